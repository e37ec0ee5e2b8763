import assert from "node:assert/strict";
import { test } from "node:test";
import { networkSVG, toCSV, toGraphML } from "../src/exportdata.js";

const view = {
  nodes: [
    { id: "m", iri: "kg:mali", label: "Mali", cls: "State" },
    { id: "f", iri: "kg:france", label: 'France, "the" Republic', cls: "State" },
  ],
  edges: [{ id: "e:r1", iri: "kg:r1", source: "kg:mali", target: "kg:france", type: "PARTNER_OF", validFrom: "2013-01-11", validTo: "2022-08-15", sources: ["kg:s1", "kg:s2"], label: null }],
};

test("CSV: exactly the nodes and relations, their sources and the day", () => {
  const csv = toCSV(view, { at: "2019-06-01", nodeSources: { "kg:mali": ["kg:s0"] } });
  const lines = csv.trim().split("\r\n");
  assert.equal(lines.length, 1 + 2 + 1);
  assert.match(lines[0], /^kind,id,label,class,source,relation,target,validFrom,validTo,sources,asOf$/);
  assert.equal(lines[1], "node,kg:mali,Mali,State,,,,,,kg:s0,2019-06-01");
  assert.equal(lines[2], 'node,kg:france,"France, ""the"" Republic",State,,,,,,,2019-06-01');
  assert.equal(lines[3], "relation,kg:r1,,,kg:mali,PARTNER_OF,kg:france,2013-01-11,2022-08-15,kg:s1 | kg:s2,2019-06-01");
});

test("GraphML: escaped, with the day as graph data", () => {
  const xml = toGraphML(view, { at: "2019-06-01" });
  assert.match(xml, /<data key="asof">2019-06-01<\/data>/);
  assert.equal((xml.match(/<node /g) || []).length, 2);
  assert.equal((xml.match(/<edge /g) || []).length, 1);
  assert.match(xml, /France, &quot;the&quot; Republic/);
  assert.match(xml, /kg:s1 \| kg:s2/);
});

test("SVG of the network: one group per node and relation, labels escaped", () => {
  const svg = networkSVG(view, { m: { x: 0, y: 0 }, f: { x: 100, y: 50 } }, { at: "2019-06-01", words: () => "partner of", title: "Mali <b>" });
  assert.equal((svg.match(/class="node"/g) || []).length, 2);
  assert.equal((svg.match(/class="edge"/g) || []).length, 1);
  assert.match(svg, /as of 2019-06-01/);
  assert.match(svg, /Mali &lt;b&gt;/);
  assert.doesNotMatch(svg, /<b>/);
});
