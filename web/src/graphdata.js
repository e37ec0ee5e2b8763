// The network's data: the API's neighbourhood as nodes and edges (one edge per relation,
// as the API gives it), filtered by class and relation type, with leaves collapsed into
// their neighbour. Dates are never filtered here: the API applies the "as of" rule.
// Pure (web/test/graphdata.test.mjs).
import { mainClass, localName } from "./style.js";

const asList = (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);

export function slugOf(idOrIri) {
  const s = String(idOrIri || "");
  const kg = "https://w3id.org/sahel-kg/id/";
  return s.startsWith(kg) ? s.slice(kg.length) : s;
}

export function normaliseGraph(body) {
  const nodes = asList(body?.nodes).map((n) => {
    const types = [...new Set([...asList(n.types), ...asList(n.labels)].map(localName))].filter(
      (t) => t !== "Resource",
    );
    return {
      id: String(n.iri || n.id),
      iri: n.iri,
      slug: slugOf(n.id || n.iri),
      label: n.label || slugOf(n.iri),
      types,
      cls: mainClass(types),
      hop: n.hop ?? null,
    };
  });
  const known = new Set(nodes.map((n) => n.id));
  const edges = asList(body?.edges)
    .filter((e) => known.has(e.source) && known.has(e.target))
    .map((e) => ({
      id: `e:${e.id}`,
      iri: e.iri || null,
      iris: asList(e.iris),
      source: e.source,
      target: e.target,
      type: e.type,
      validFrom: e.validFrom || null,
      validTo: e.validTo || null,
      sources: asList(e.sources),
      label: e.label || null,
    }));
  return { nodes, edges, truncated: Boolean(body?.truncated) };
}

/** What is drawn: nodes of the shown classes and edges of the shown types that the centre
 * still reaches; with `collapse`, nodes with one neighbour (not the centre) are folded into
 * it, which then carries how many it holds (`folded`). */
export function viewOf(graph, centre, { hide = [], hiderel = [], collapse = false } = {}) {
  const hidden = new Set(hide);
  const hiddenRels = new Set(hiderel);
  let nodes = graph.nodes.filter((n) => n.id === centre || !hidden.has(n.cls));
  let keep = new Set(nodes.map((n) => n.id));
  let edges = graph.edges.filter((e) => !hiddenRels.has(e.type) && keep.has(e.source) && keep.has(e.target));
  const reach = reached(edges, centre);
  nodes = nodes.filter((n) => reach.has(n.id));
  edges = edges.filter((e) => reach.has(e.source) && reach.has(e.target));
  const folded = new Map();
  if (collapse) {
    const neighbours = new Map(nodes.map((n) => [n.id, new Set()]));
    for (const e of edges) {
      neighbours.get(e.source).add(e.target);
      neighbours.get(e.target).add(e.source);
    }
    const leaves = new Set(
      nodes.filter((n) => n.id !== centre && neighbours.get(n.id).size === 1).map((n) => n.id),
    );
    for (const id of leaves) {
      const [parent] = neighbours.get(id);
      if (leaves.has(parent)) continue; // two leaves on one edge: keep both
      folded.set(parent, (folded.get(parent) || 0) + 1);
    }
    const gone = new Set([...leaves].filter((id) => !leaves.has([...neighbours.get(id)][0])));
    nodes = nodes.filter((n) => !gone.has(n.id));
    keep = new Set(nodes.map((n) => n.id));
    edges = edges.filter((e) => keep.has(e.source) && keep.has(e.target));
  }
  return { nodes, edges, folded };
}

function reached(edges, centre) {
  const adj = new Map();
  for (const e of edges) {
    if (!adj.has(e.source)) adj.set(e.source, []);
    if (!adj.has(e.target)) adj.set(e.target, []);
    adj.get(e.source).push(e.target);
    adj.get(e.target).push(e.source);
  }
  const seen = new Set([centre]);
  const queue = [centre];
  while (queue.length) {
    for (const m of adj.get(queue.shift()) || []) {
      if (!seen.has(m)) {
        seen.add(m);
        queue.push(m);
      }
    }
  }
  return seen;
}

/** The classes and relation types present, for the filter controls. */
export function facets(graph) {
  const count = (xs) => [...xs.reduce((m, x) => m.set(x, (m.get(x) || 0) + 1), new Map())].sort();
  return { classes: count(graph.nodes.map((n) => n.cls)), types: count(graph.edges.map((e) => e.type)) };
}

/** A radial tree: the centre in the middle, each hop on its own ring, every node in the
 * angular sector of the neighbour that reached it first (so edges seldom cross); rings
 * spaced so labels keep apart. Deterministic. `aspect`: width / height of the canvas. */
export function radialLayout(view, centre, aspect = 1.6) {
  const adj = new Map(view.nodes.map((n) => [n.id, []]));
  for (const e of view.edges) {
    adj.get(e.source)?.push(e.target);
    adj.get(e.target)?.push(e.source);
  }
  const info = new Map(view.nodes.map((n) => [n.id, n]));
  const rank = (id) => `${info.get(id)?.cls || ""}\u0000${info.get(id)?.label || id}`;
  const depth = new Map([[centre, 0]]);
  const children = new Map([[centre, []]]);
  const queue = [centre];
  while (queue.length) {
    const id = queue.shift();
    const next = [...new Set(adj.get(id) || [])].filter((m) => !depth.has(m)).sort((a, b) => rank(a).localeCompare(rank(b)));
    for (const m of next) {
      depth.set(m, depth.get(id) + 1);
      children.set(m, []);
      children.get(id).push(m);
      queue.push(m);
    }
  }
  const weight = new Map();
  const weigh = (id) => {
    const w = Math.max(1, children.get(id).reduce((t, c) => t + weigh(c), 0) * 0.8);
    weight.set(id, w);
    return w;
  };
  if (children.has(centre)) weigh(centre);
  const ringCount = [...depth.values()].reduce((acc, d) => ((acc[d] = (acc[d] || 0) + 1), acc), []);
  const base = Math.max(150, ...ringCount.map((n, d) => (d ? (n * 30) / (2 * Math.PI) / d : 0)));
  const pos = {};
  const place = (id, a0, a1) => {
    const d = depth.get(id);
    const a = (a0 + a1) / 2;
    pos[id] = d === 0 ? { x: 0, y: 0 } : { x: Math.cos(a) * base * d, y: Math.sin(a) * base * d };
    const kids = children.get(id);
    const total = kids.reduce((t, c) => t + weight.get(c), 0);
    let start = a0;
    for (const c of kids) {
      const span = ((a1 - a0) * weight.get(c)) / total;
      place(c, start, start + span);
      start += span;
    }
  };
  if (children.has(centre)) place(centre, -Math.PI / 2, (3 * Math.PI) / 2);
  const stretch = Math.min(Math.max(aspect, 1), 1.9);
  for (const p of Object.values(pos)) p.x *= stretch;
  const lost = view.nodes.filter((n) => !(n.id in pos));
  lost.forEach((n, i) => {
    const a = (2 * Math.PI * i) / lost.length;
    const r = base * (ringCount.length + 1);
    pos[n.id] = { x: Math.cos(a) * r, y: Math.sin(a) * r };
  });
  return pos;
}
