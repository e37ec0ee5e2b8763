import assert from "node:assert/strict";
import { test } from "node:test";
import { DICTS, pickLang, t } from "../src/i18n.js";
import { ontologyTerm, relationWords } from "../src/labels.js";

test("the language follows the browser unless chosen", () => {
  assert.equal(pickLang(["fr-FR", "en"]), "fr");
  assert.equal(pickLang(["de-DE", "en-GB"]), "en");
  assert.equal(pickLang(["de-DE"]), "en");
  assert.equal(pickLang(["fr-FR"], "en"), "en");
});

test("both languages have every key; placeholders are filled", () => {
  assert.deepEqual(Object.keys(DICTS.fr).sort(), Object.keys(DICTS.en).sort());
  assert.equal(t("nodes_relations", { n: 3, m: 2 }, "en"), "3 nodes, 2 relations");
  assert.equal(t("nodes_relations", { n: 3, m: 2 }, "fr"), "3 nœuds, 2 relations");
});

test("relations in plain words, the ontology term kept", () => {
  assert.equal(relationWords("HOSTILE_TO", "en"), "hostile to");
  assert.equal(relationWords("HOSTILE_TO", "fr"), "hostile à");
  assert.equal(relationWords("SOME_NEW_TYPE"), "some new type");
  assert.equal(ontologyTerm("PARTNER_OF"), "sahel:partnerOf");
  assert.equal(ontologyTerm("AFFILIATED_WITH"), "sahel:affiliatedWith");
});
