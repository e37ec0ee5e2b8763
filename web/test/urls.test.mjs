import { test } from "node:test";
import assert from "node:assert/strict";
import { httpUrl } from "../src/urls.js";

test("only http and https URLs become links", () => {
  assert.equal(httpUrl("https://www.rfi.fr/fr/afrique/x"), "https://www.rfi.fr/fr/afrique/x");
  assert.equal(httpUrl("http://example.org/a b"), "http://example.org/a%20b");
  for (const bad of ["javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,<b>x</b>",
    "vbscript:x", "file:///etc/passwd", "//evil.test/x", "not a url", "", null, 42]) {
    assert.equal(httpUrl(bad), null, String(bad));
  }
});
