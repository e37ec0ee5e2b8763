import assert from "node:assert/strict";
import { test } from "node:test";
import { facets, normaliseGraph, radialLayout, viewOf } from "../src/graphdata.js";

const KG = "https://w3id.org/sahel-kg/id/";
const node = (id, types, hop = 1) => ({ id, iri: KG + id, label: id.toUpperCase(), types, labels: ["Resource", ...types], hop });
const edge = (s, type, t, extra = {}) => ({ id: `${KG}${s}-${type}-${t}`, source: KG + s, target: KG + t, type, sources: [], ...extra });
const body = {
  nodes: [node("mali", ["State"], 0), node("france", ["State"]), node("aes", ["Alliance"]), node("goita", ["Person"]), node("niger", ["State"], 2)],
  edges: [
    edge("mali", "PARTNER_OF", "france", { iris: ["a", "b"], sources: ["s1", "s2"] }),
    edge("mali", "MEMBER_OF", "aes"),
    edge("mali", "LED_BY", "goita"),
    edge("niger", "MEMBER_OF", "aes"),
  ],
};

test("one edge per relation, with its sources and qualified nodes", () => {
  const g = normaliseGraph(body);
  assert.equal(g.nodes.length, 5);
  assert.equal(g.edges.length, 4);
  const partner = g.edges.find((e) => e.type === "PARTNER_OF");
  assert.deepEqual(partner.sources, ["s1", "s2"]);
  assert.deepEqual(partner.iris, ["a", "b"]);
  assert.equal(g.nodes.find((n) => n.slug === "goita").cls, "Person");
});

test("filters by class and relation type keep what the centre reaches", () => {
  const g = normaliseGraph(body);
  const centre = KG + "mali";
  const noAlliance = viewOf(g, centre, { hide: ["Alliance"] });
  assert.deepEqual(noAlliance.nodes.map((n) => n.slug).sort(), ["france", "goita", "mali"]); // niger only via the AES
  const noMember = viewOf(g, centre, { hiderel: ["MEMBER_OF"] });
  assert.ok(!noMember.edges.some((e) => e.type === "MEMBER_OF"));
  assert.ok(!noMember.nodes.some((n) => n.slug === "aes"));
  const keepsCentre = viewOf(g, centre, { hide: ["State"] });
  assert.ok(keepsCentre.nodes.some((n) => n.id === centre));
});

test("collapsing leaves folds them into their neighbour and counts them", () => {
  const g = normaliseGraph(body);
  const v = viewOf(g, KG + "mali", { collapse: true });
  assert.deepEqual(v.nodes.map((n) => n.slug).sort(), ["aes", "mali"]);
  assert.equal(v.folded.get(KG + "mali"), 2); // France and Goïta
  assert.equal(v.folded.get(KG + "aes"), 1); // Niger
  assert.equal(v.edges.length, 1);
});

test("facets count classes and relation types; the layout places every node", () => {
  const g = normaliseGraph(body);
  const f = facets(g);
  assert.deepEqual(f.types, [["LED_BY", 1], ["MEMBER_OF", 2], ["PARTNER_OF", 1]]);
  const v = viewOf(g, KG + "mali");
  const pos = radialLayout(v, KG + "mali");
  assert.deepEqual(pos[KG + "mali"], { x: 0, y: 0 });
  assert.equal(Object.keys(pos).length, v.nodes.length);
  const ring1 = ["france", "aes", "goita"].map((s) => Math.hypot(pos[KG + s].x / 1.6, pos[KG + s].y));
  const ring2 = Math.hypot(pos[KG + "niger"].x / 1.6, pos[KG + "niger"].y);
  assert.ok(ring1.every((r) => r < ring2));
});
