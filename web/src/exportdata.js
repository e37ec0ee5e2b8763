// "Export this view": exactly the nodes and relations on screen, each with its sources,
// and the "as of" day, as CSV and GraphML; the network as a standalone SVG.
// Pure (web/test/exportdata.test.mjs).

const csvCell = (v) => {
  const s = v === null || v === undefined ? "" : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
};

export const CSV_COLUMNS = [
  "kind", "id", "label", "class", "source", "relation", "target", "validFrom", "validTo", "sources", "asOf",
];

/** One row per node then per relation; `sources`: the node's or relation's source IRIs,
 * separated by " | "; every row carries the view's "as of" day (empty: all dates). */
export function toCSV(view, { at = null, nodeSources = {} } = {}) {
  const rows = [CSV_COLUMNS];
  for (const n of view.nodes) {
    rows.push(["node", n.iri, n.label, n.cls, "", "", "", "", "", (nodeSources[n.iri] || []).join(" | "), at || ""]);
  }
  for (const e of view.edges) {
    rows.push([
      "relation", e.iri || e.id.replace(/^e:/, ""), e.label || "", "", e.source, e.type, e.target,
      e.validFrom || "", e.validTo || "", e.sources.join(" | "), at || "",
    ]);
  }
  return `${rows.map((r) => r.map(csvCell).join(",")).join("\r\n")}\r\n`;
}

const xml = (s) =>
  String(s ?? "").replace(/[<>&"']/g, (c) => ({ "<": "&lt;", ">": "&gt;", "&": "&amp;", '"': "&quot;", "'": "&apos;" })[c]);

export function toGraphML(view, { at = null, nodeSources = {} } = {}) {
  const keys = [
    ["label", "node", "label"], ["class", "node", "class"], ["nsources", "node", "sources"],
    ["type", "edge", "relation"], ["from", "edge", "validFrom"], ["to", "edge", "validTo"],
    ["esources", "edge", "sources"], ["asof", "graph", "asOf"],
  ];
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<graphml xmlns="http://graphml.graphdrawing.org/xmlns">',
    ...keys.map(([id, f, name]) => `  <key id="${id}" for="${f}" attr.name="${name}" attr.type="string"/>`),
    '  <graph id="view" edgedefault="directed">',
    `    <data key="asof">${xml(at || "")}</data>`,
  ];
  for (const n of view.nodes) {
    out.push(
      `    <node id="${xml(n.iri)}"><data key="label">${xml(n.label)}</data><data key="class">${xml(n.cls)}</data>` +
        `<data key="nsources">${xml((nodeSources[n.iri] || []).join(" | "))}</data></node>`,
    );
  }
  for (const e of view.edges) {
    out.push(
      `    <edge id="${xml(e.iri || e.id)}" source="${xml(e.source)}" target="${xml(e.target)}">` +
        `<data key="type">${xml(e.type)}</data><data key="from">${xml(e.validFrom || "")}</data>` +
        `<data key="to">${xml(e.validTo || "")}</data><data key="esources">${xml(e.sources.join(" | "))}</data></edge>`,
    );
  }
  out.push("  </graph>", "</graphml>", "");
  return out.join("\n");
}

/** The network as drawn (positions from the canvas) in a standalone SVG: one <g> per node
 * with data-iri, one <line> per relation with data-type, the "as of" day in the title. */
export function networkSVG(view, positions, { at = null, colours = {}, words = (t) => t, title = "" } = {}) {
  const pts = view.nodes.map((n) => positions[n.id] || { x: 0, y: 0 });
  const xs = pts.map((p) => p.x);
  const ys = pts.map((p) => p.y);
  const pad = 60;
  const [x0, y0] = [Math.min(0, ...xs) - pad, Math.min(0, ...ys) - pad];
  const [w, h] = [Math.max(0, ...xs) - x0 + pad, Math.max(0, ...ys) - y0 + pad];
  const pos = (id) => positions[id] || { x: 0, y: 0 };
  const lines = view.edges.map((e) => {
    const a = pos(e.source);
    const b = pos(e.target);
    return (
      `<g class="edge" data-type="${xml(e.type)}" data-iri="${xml(e.iri || "")}">` +
      `<line x1="${a.x.toFixed(1)}" y1="${a.y.toFixed(1)}" x2="${b.x.toFixed(1)}" y2="${b.y.toFixed(1)}" stroke="#7b8794" stroke-width="1.5"/>` +
      `<text x="${((a.x + b.x) / 2).toFixed(1)}" y="${((a.y + b.y) / 2).toFixed(1)}" font-size="9" fill="#2b2f36" text-anchor="middle">${xml(words(e.type))}</text></g>`
    );
  });
  const nodes = view.nodes.map((n) => {
    const p = pos(n.id);
    return (
      `<g class="node" data-iri="${xml(n.iri)}"><circle cx="${p.x.toFixed(1)}" cy="${p.y.toFixed(1)}" r="10" fill="${xml(colours[n.cls] || "#9e9e9e")}" stroke="#263238"/>` +
      `<text x="${p.x.toFixed(1)}" y="${(p.y + 22).toFixed(1)}" font-size="11" text-anchor="middle" fill="#111">${xml(n.label)}</text></g>`
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="${x0.toFixed(0)} ${y0.toFixed(0)} ${w.toFixed(0)} ${h.toFixed(0)}" width="${w.toFixed(0)}" height="${h.toFixed(0)}" font-family="DejaVu Sans, sans-serif">`,
    `<title>${xml(title)}${at ? ` (as of ${xml(at)})` : ""}</title>`,
    `<rect x="${x0.toFixed(0)}" y="${y0.toFixed(0)}" width="${w.toFixed(0)}" height="${h.toFixed(0)}" fill="#fff"/>`,
    ...lines,
    ...nodes,
    "</svg>",
  ].join("\n");
}
