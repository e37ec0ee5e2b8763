import assert from "node:assert/strict";
import { test } from "node:test";
import { changedKeys, DEFAULTS, formatHash, parseHash } from "../src/state.js";

test("a deep link is read and written back the same", () => {
  const hash = "#actor=mali&hops=2&at=2019-06-01&event=event-2024-09-17-bamako-attack&from=2024-01-01&to=2024-12-31&hide=Person,Place&hiderel=LED_BY&leaves=1&scope=all";
  const s = parseHash(hash);
  assert.equal(s.actor, "mali");
  assert.equal(s.hops, 2);
  assert.equal(s.at, "2019-06-01");
  assert.deepEqual(s.hide, ["Person", "Place"]);
  assert.equal(s.leaves, true);
  assert.equal(s.scope, "all");
  assert.deepEqual(parseHash(formatHash(s)), s);
});

test("defaults are left out of the hash; bad values are dropped", () => {
  assert.equal(formatHash({ ...DEFAULTS }), "");
  assert.equal(formatHash({ ...DEFAULTS, actor: "jnim" }), "#actor=jnim");
  const s = parseHash("#actor=<script>&hops=9&at=June&hide=Person,<b>");
  assert.equal(s.actor, null);
  assert.equal(s.hops, 1);
  assert.equal(s.at, null);
  assert.deepEqual(s.hide, ["Person"]);
});

test("changedKeys names what a navigation changed", () => {
  const a = parseHash("#actor=mali&at=2019-06-01");
  const b = parseHash("#actor=mali&at=2024-10-01&hide=Person");
  assert.deepEqual(changedKeys(a, b).sort(), ["at", "hide"]);
  assert.deepEqual(changedKeys(a, parseHash("#at=2019-06-01&actor=mali")), []);
});
