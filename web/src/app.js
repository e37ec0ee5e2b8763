// The explorer: search -> ego network (cytoscape) -> details, sources and claims; a date
// slider that redraws the network as of a day; the actor's timeline; a read-only query
// console; export links. State lives in the URL hash (#actor=jnim&hops=2&at=2019-06-01).
import cytoscape from "cytoscape";
import { api, ApiError, KG, slugOf } from "./api.js";
import { CLASSES, colourOf, cyStyle, isEventClass, localName, mainClass } from "./style.js";

const $ = (sel) => document.querySelector(sel);
const DAY = 86_400_000;
const FIRST_DAY = Date.UTC(2010, 0, 1);

const state = {
  actor: null, // slug of the centre
  actorLabel: "",
  hops: 1,
  at: null, // "YYYY-MM-DD" or null (all dates)
  graph: { nodes: [], edges: [] },
  timeline: [],
  selected: null,
  loadSeq: 0,
};

// ------------------------------------------------------------------ helpers

function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

function setStatus(message, isError = false) {
  const el = $("#status");
  el.textContent = message || "";
  el.classList.toggle("error", Boolean(isError));
}

function report(exc) {
  const msg = exc instanceof ApiError ? exc.message : `unexpected error: ${exc?.message || exc}`;
  setStatus(msg, true);
  console.error(exc);
}

/** A date-ish value from the API as "YYYY-MM-DD" (strings, {year, month, day}, neo4j dates). */
function dateStr(v) {
  if (v === null || v === undefined || v === "") return null;
  if (Array.isArray(v)) return dateStr(v[0]);
  if (typeof v === "object") {
    if (v.year !== undefined) {
      const p = (n) => String(n).padStart(2, "0");
      return `${v.year}-${p(v.month ?? 1)}-${p(v.day ?? 1)}`;
    }
    if (v.value !== undefined) return dateStr(v.value);
    if (v["@value"] !== undefined) return dateStr(v["@value"]);
    return null;
  }
  const m = String(v).match(/^-?\d{4}-\d{2}-\d{2}/);
  return m ? m[0] : null;
}

const first = (...vals) => vals.find((v) => v !== undefined && v !== null && v !== "");
const asList = (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]);
const props = (o) => ({ ...(o?.properties || o?.props || {}), ...o });
const labelOf = (o) =>
  first(o?.label, o?.name, o?.properties?.name, o?.properties?.label, slugOf(o?.iri || o?.id)) || "?";
/** Asserted classes plus the graph labels (superclasses), so the colour finds a class. */
const typesOf = (o) => [
  ...new Set(
    [
      ...asList(o?.types),
      ...(Array.isArray(o?.labels) ? o.labels : []),
      ...asList(o?.rdfTypes ?? o?.properties?.rdfTypes),
    ].map(localName),
  ),
].filter((t) => t !== "Resource");
const joined = (v) => asList(v).filter(Boolean).join("; ");

function dayToDate(n) {
  return new Date(FIRST_DAY + n * DAY).toISOString().slice(0, 10);
}
function dateToDay(s) {
  return Math.round((Date.parse(`${s}T00:00:00Z`) - FIRST_DAY) / DAY);
}
const today = () => new Date().toISOString().slice(0, 10);

// ------------------------------------------------------------------ URL state

function readHash() {
  const p = new URLSearchParams(location.hash.slice(1));
  return {
    actor: p.get("actor"),
    hops: Number(p.get("hops")) || 1,
    at: dateStr(p.get("at")),
    event: p.get("event"),
  };
}

function writeHash(extra = {}) {
  const p = new URLSearchParams();
  if (state.actor) p.set("actor", state.actor);
  if (state.hops !== 1) p.set("hops", String(state.hops));
  if (state.at) p.set("at", state.at);
  for (const [k, v] of Object.entries(extra)) if (v) p.set(k, v);
  const s = p.toString();
  history.replaceState(null, "", s ? `#${s}` : location.pathname + location.search);
}

// ------------------------------------------------------------------ search

async function search(q) {
  q = q.trim();
  const list = $("#search-results");
  if (!q) {
    list.hidden = true;
    return;
  }
  setStatus(`Searching “${q}”…`);
  try {
    const found = await api.searchActors(q, 20);
    renderResults(found, q);
    const best = found.length === 1 ? found[0] : found.find((a) => exactMatch(a, q)) || found[0];
    if (best) await openActor(best.id || best.iri, labelOf(best));
    setStatus(found.length ? "" : `No actor matches “${q}”.`);
  } catch (exc) {
    report(exc);
  }
}

function exactMatch(actor, q) {
  const norm = (s) => String(s).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  const want = norm(q);
  return [actor.label, actor.id, ...(actor.aliases || [])].some((s) => s && norm(s) === want);
}

function renderResults(found, q) {
  const list = $("#search-results");
  list.replaceChildren(
    ...found.map((a) =>
      h(
        "li",
        {},
        h(
          "button",
          {
            type: "button",
            class: "result",
            dataset: { id: slugOf(a.id || a.iri) },
            "aria-current": slugOf(a.id || a.iri) === state.actor ? "true" : null,
            onclick: () => openActor(a.id || a.iri, labelOf(a)),
          },
          labelOf(a),
          " ",
          h("small", {}, localName(mainClass(typesOf(a)))),
        ),
      ),
    ),
  );
  list.hidden = found.length === 0;
  list.setAttribute("aria-label", `Actors matching “${q}”: ${found.length}`);
}

// ------------------------------------------------------------------ graph

let cy = null;

function ensureCy() {
  if (cy) return cy;
  cy = cytoscape({
    container: $("#graph"),
    style: cyStyle,
    minZoom: 0.2,
    maxZoom: 3,
    boxSelectionEnabled: false,
    selectionType: "single",
  });
  cy.on("tap", "node", (e) => selectNode(e.target.id()));
  cy.on("tap", "edge", (e) => selectEdge(e.target.id()));
  cy.on("mouseover", "node", (e) => {
    e.target.addClass("hover");
    e.target.connectedEdges().addClass("hover");
  });
  cy.on("mouseout", "node", (e) => {
    e.target.removeClass("hover");
    e.target.connectedEdges().removeClass("hover");
  });
  cy.on("dbltap", "node", (e) => {
    const n = e.target.data();
    if (!n.event && !n.place) openActor(n.slug, n.full);
  });
  window.__cy = cy; // for the end-to-end tests and the curious
  return cy;
}

function normaliseGraph(body) {
  const rawNodes = asList(body?.nodes);
  const rawEdges = asList(first(body?.edges, body?.relationships, body?.links, []));
  const nodes = rawNodes.map((n) => {
    const p = props(n);
    const iri = first(p.iri, n.id);
    const types = typesOf(n);
    const cls = mainClass(types);
    return {
      id: String(first(n.id, iri)),
      iri,
      slug: slugOf(first(n.slug, iri, n.id)),
      label: labelOf(n),
      types,
      cls,
      date: dateStr(first(p.date, p.startDate)),
      founded: dateStr(first(p.foundedDate, p.validFrom)),
      dissolved: dateStr(first(p.dissolvedDate, p.validTo)),
      raw: n,
    };
  });
  const known = new Set(nodes.map((n) => n.id));
  const byIri = new Map(nodes.map((n) => [n.iri, n.id]));
  const ref = (v) => {
    const s = typeof v === "object" && v ? first(v.id, v.iri) : v;
    return known.has(String(s)) ? String(s) : byIri.get(s) || byIri.get(String(s));
  };
  const edges = [];
  const seenEdge = new Set();
  rawEdges.forEach((e, i) => {
    const p = props(e);
    const source = ref(first(e.source, e.from, e.start, e.subject));
    const target = ref(first(e.target, e.to, e.end, e.object));
    if (!source || !target) return;
    const type = String(first(e.type, e.predicate, e.label, "RELATED"));
    let eid = `e:${first(e.id, p.iri, `${source} ${type} ${target} ${i}`)}`;
    while (seenEdge.has(eid)) eid += "'";
    seenEdge.add(eid);
    edges.push({
      id: eid,
      iri: p.iri || null,
      source,
      target,
      type,
      validFrom: dateStr(p.validFrom),
      validTo: dateStr(p.validTo),
      sources: asList(first(p.sources, p.source, [])),
      raw: e,
    });
  });
  return { nodes, edges };
}

/** What holds on `at`: relations whose interval contains it, actors founded by then and not
 * yet dissolved, events up to that day; then only what is still connected to the centre. */
function asOf(graph, at, centreId) {
  if (!at) return graph;
  const nodeOk = (n) =>
    n.id === centreId ||
    (!(n.date && n.date > at) && !(n.founded && n.founded > at) && !(n.dissolved && n.dissolved < at));
  const nodes = graph.nodes.filter(nodeOk);
  const keep = new Set(nodes.map((n) => n.id));
  const edges = graph.edges.filter(
    (e) =>
      keep.has(e.source) &&
      keep.has(e.target) &&
      !(e.validFrom && e.validFrom > at) &&
      !(e.validTo && e.validTo < at),
  );
  // Keep what the centre still reaches.
  const adj = new Map();
  for (const e of edges) {
    if (!adj.has(e.source)) adj.set(e.source, []);
    if (!adj.has(e.target)) adj.set(e.target, []);
    adj.get(e.source).push(e.target);
    adj.get(e.target).push(e.source);
  }
  const seen = new Set([centreId]);
  const queue = [centreId];
  while (queue.length) {
    for (const m of adj.get(queue.shift()) || []) {
      if (!seen.has(m)) {
        seen.add(m);
        queue.push(m);
      }
    }
  }
  return {
    nodes: nodes.filter((n) => seen.has(n.id)),
    edges: edges.filter((e) => seen.has(e.source) && seen.has(e.target)),
  };
}

function centreId(graph) {
  const want = state.actor;
  const hit = graph.nodes.find((n) => n.slug === want || n.id === want);
  return hit ? hit.id : graph.nodes[0]?.id;
}

function shortLabel(s) {
  const m = s.match(/\(([^)]{2,12})\)\s*$/); // "Group to Support Islam and Muslims (JNIM)" -> JNIM
  if (m) return m[1];
  return s.length > 28 ? `${s.slice(0, 26)}…` : s;
}

function drawGraph() {
  const c = ensureCy();
  const centre = centreId(state.graph);
  const view = asOf(state.graph, state.at, centre);
  const wanted = new Set([...view.nodes.map((n) => n.id), ...view.edges.map((e) => e.id)]);
  const before = new Set(c.elements().map((el) => el.id()));
  c.batch(() => {
    c.elements().forEach((el) => {
      if (!wanted.has(el.id())) c.remove(el);
    });
    const centreNode = c.getElementById(centre);
    const origin = centreNode.nonempty() ? centreNode.position() : { x: 0, y: 0 };
    for (const n of view.nodes) {
      if (before.has(n.id)) continue;
      c.add({
        group: "nodes",
        data: {
          id: n.id,
          slug: n.slug,
          full: n.label,
          short: shortLabel(n.label),
          colour: colourOf(n.cls),
          cls: n.cls,
          event: isEventClass(n.cls),
          place: n.cls === "Place",
        },
        position: { x: origin.x + Math.random() * 40 - 20, y: origin.y + Math.random() * 40 - 20 },
      });
    }
    for (const e of view.edges) {
      if (before.has(e.id)) continue;
      c.add({
        group: "edges",
        data: {
          id: e.id,
          source: e.source,
          target: e.target,
          label: e.type,
          timed: Boolean(e.validFrom || e.validTo),
        },
      });
    }
    c.nodes().removeClass("centre");
    c.getElementById(centre).addClass("centre");
  });
  const changed = c.elements().some((el) => !before.has(el.id())) || before.size !== c.elements().length;
  if (changed && c.nodes().length) {
    c.layout({ name: "preset", positions: radialLayout(view, centre), fit: true, padding: 30 }).run();
  }
  labelEdges(centre, view.edges.length);
  renderLists(view);
  renderLegend(view);
  $("#graph").dataset.nodes = String(view.nodes.length);
  $("#graph").dataset.at = state.at || "";
  return view;
}

/** A radial tree: the centre in the middle, each hop on its own ring, every node placed in
 * the angular sector of the neighbour that reached it first (so edges seldom cross). Linear
 * time, deterministic, and stable when the slider removes a few elements. */
function radialLayout(view, centre) {
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
  weigh(centre);
  const ringCount = [...depth.values()].reduce((acc, d) => ((acc[d] = (acc[d] || 0) + 1), acc), []);
  const base = Math.max(150, ...ringCount.map((n, d) => (d ? (n * 26) / (2 * Math.PI) / d : 0)));
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
  place(centre, -Math.PI / 2, (3 * Math.PI) / 2);
  // Stretch into an ellipse that fills the (wide) canvas.
  const box = document.getElementById("graph");
  const stretch = Math.min(Math.max((box.clientWidth || 1) / (box.clientHeight || 1), 1), 1.9);
  for (const p of Object.values(pos)) p.x *= stretch;
  // Anything the centre does not reach (should not happen) goes on an outer ring.
  const lost = view.nodes.filter((n) => !(n.id in pos));
  lost.forEach((n, i) => {
    const a = (2 * Math.PI * i) / lost.length;
    pos[n.id] = { x: Math.cos(a) * base * (ringCount.length + 1), y: Math.sin(a) * base * (ringCount.length + 1) };
  });
  return pos;
}

/** Relation types on the centre's edges (all of them when the graph is small), and on the
 * selected node's edges. */
function labelEdges(centre, count) {
  if (!cy) return;
  cy.batch(() => {
    cy.edges().removeClass("labelled");
    if (count <= 60) cy.edges().addClass("labelled");
    else cy.getElementById(centre).connectedEdges().addClass("labelled");
    cy.$(":selected").connectedEdges().addClass("labelled");
  });
}

function renderLegend(view) {
  const present = new Set(view.nodes.map((n) => n.cls));
  $("#legend").replaceChildren(
    ...CLASSES.filter(([k]) => present.has(k)).map(([k, c, label]) =>
      h("span", { style: `--c:${c}`, dataset: { cls: k } }, label),
    ),
  );
}

function renderLists(view) {
  const names = new Map(view.nodes.map((n) => [n.id, n.label]));
  $("#counts").textContent = `${view.nodes.length} nodes, ${view.edges.length} relations`;
  $("#node-list").replaceChildren(
    ...[...view.nodes]
      .sort((a, b) => a.label.localeCompare(b.label))
      .map((n) =>
        h(
          "li",
          { dataset: { id: n.id, slug: n.slug } },
          h("button", { type: "button", class: "link", onclick: () => selectNode(n.id) }, n.label),
          h("span", { class: "muted" }, ` (${n.cls})`),
        ),
      ),
  );
  $("#edge-list").replaceChildren(
    ...view.edges.map((e) =>
      h(
        "li",
        { dataset: { type: e.type } },
        h(
          "button",
          { type: "button", class: "link", onclick: () => selectEdge(e.id) },
          `${names.get(e.source)} —${e.type}→ ${names.get(e.target)}`,
        ),
        e.validFrom || e.validTo
          ? h("span", { class: "muted" }, ` ${e.validFrom || "…"} – ${e.validTo || "…"}`)
          : null,
      ),
    ),
  );
}

async function loadGraph() {
  if (!state.actor) return;
  const seq = ++state.loadSeq;
  const t0 = performance.now();
  $("#graph").setAttribute("aria-busy", "true");
  try {
    const body = await api.neighbourhood(state.actor, state.hops, state.at);
    if (seq !== state.loadSeq) return;
    const t1 = performance.now();
    state.graph = normaliseGraph(body);
    const view = drawGraph();
    const ms = Math.round(performance.now() - t0);
    document.body.dataset.fetchMs = String(Math.round(t1 - t0));
    $("#graph").setAttribute("aria-busy", "false");
    document.body.dataset.graphReady = String(Math.round(performance.now()));
    document.body.dataset.graphMs = String(ms);
    setStatus(
      body?.truncated
        ? `Large network: cut at ${state.graph.edges.length} relations; try fewer hops.`
        : view.nodes.length > 1
          ? ""
          : `Nothing connected to this actor${state.at ? " on that date" : ""}.`,
    );
  } catch (exc) {
    if (seq !== state.loadSeq) return;
    report(exc);
    if (exc instanceof ApiError && exc.status === 404) {
      if (cy) cy.elements().remove();
      $("#graph-empty").hidden = false;
    }
  }
}

async function openActor(id, label) {
  const slug = slugOf(id);
  const changed = slug !== state.actor;
  state.actor = slug;
  state.selected = slug;
  state.actorLabel = label || slug;
  $("#graph-empty").hidden = true;
  $("#graph-centre").textContent = `of ${state.actorLabel}`;
  $("#timeline-actor").textContent = `of ${state.actorLabel}`;
  for (const b of document.querySelectorAll("#search-results button")) {
    b.setAttribute("aria-current", b.dataset.id === slug ? "true" : "false");
  }
  writeHash();
  if (changed && cy) cy.elements().remove();
  await Promise.all([loadGraph(), loadTimeline(), showActor(slug)]);
}

// ------------------------------------------------------------------ details

const details = () => $("#details");

function showDetails(...children) {
  details().replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
}

function dl(pairs) {
  const rows = pairs.filter(([, v]) => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && !v.length));
  return h("dl", {}, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v instanceof Node ? v : Array.isArray(v) ? v.join(", ") : String(v))]));
}

function typeTags(types) {
  return h("div", { class: "types" }, types.map((t) => h("span", { class: "tag" }, localName(t))));
}

/** Sources as given by the API: IRIs or objects; IRIs are looked up once through /cypher. */
const sourceCache = new Map();
async function resolveSources(list) {
  const out = [];
  const missing = [];
  for (const s of asList(list)) {
    if (s && typeof s === "object") {
      const obj = normaliseSource(s);
      if (!obj.title && !obj.url && obj.iri && !missing.includes(obj.iri)) missing.push(obj.iri);
      out.push(obj);
      if (obj.iri) sourceCache.set(obj.iri, { ...sourceCache.get(obj.iri), ...obj });
    } else if (s) {
      const iri = String(s).startsWith("http") ? String(s) : `https://w3id.org/sahel-kg/id/${slugOf(s)}`;
      out.push({ iri });
      if (!sourceCache.get(iri)?.title && !missing.includes(iri)) missing.push(iri);
    }
  }
  if (missing.length) {
    try {
      const res = await api.cypher(
        "MATCH (s:Resource) WHERE s.iri IN $iris RETURN s.iri AS iri, s.name AS name, " +
          "s.title AS title, s.publisher AS publisher, s.published AS published, " +
          "s.`url^^xsd:anyURI` AS url, s.url AS plainUrl",
        { iris: missing },
      );
      for (const row of res.rows || []) {
        const r = Array.isArray(row) ? Object.fromEntries(res.columns.map((c, i) => [c, row[i]])) : row;
        sourceCache.set(r.iri, normaliseSource({ ...r, url: first(r.url, r.plainUrl) }));
      }
    } catch {
      /* the IRIs alone are still shown */
    }
  }
  return out.map((s) => ({ ...s, ...(sourceCache.get(s.iri) || {}) }));
}

function normaliseSource(s) {
  const p = props(s);
  return {
    iri: first(p.iri, p.id),
    title: first(p.title, p.label, p.name),
    publisher: first(p.publisher),
    published: dateStr(first(p.published, p.date)),
    url: first(p.url, p["url^^xsd:anyURI"]),
  };
}

function sourceItem(s) {
  const title = s.title || slugOf(s.iri);
  return h(
    "li",
    { class: "source", dataset: { iri: s.iri || "" } },
    s.url ? h("a", { href: s.url, target: "_blank", rel: "noopener noreferrer" }, title) : title,
    s.publisher || s.published ? h("span", { class: "muted" }, ` — ${[s.publisher, s.published].filter(Boolean).join(", ")}`) : null,
  );
}

async function sourcesBlock(list, heading = "Sources") {
  const srcs = await resolveSources(list);
  if (!srcs.length) return h("p", { class: "muted" }, "No source recorded.");
  return h("div", {}, h("h3", {}, `${heading} (${srcs.length})`), h("ul", { class: "sources" }, srcs.map(sourceItem)));
}

async function showActor(slug) {
  try {
    const a = await api.actor(slug);
    const rels = await api.relations(slug, state.at).catch(() => []);
    const relList = rels.length
      ? h(
          "ul",
          { class: "rels" },
          rels.map((r) => {
            const other = first(r.other, r.target, r.object, r.node, {});
            const dir = first(r.direction, "out");
            const name = typeof other === "object" ? labelOf(other) : slugOf(other);
            const otherId = typeof other === "object" ? first(other.id, other.iri) : other;
            return h(
              "li",
              {},
              dir === "in" || dir === "incoming" ? "← " : "→ ",
              h("strong", {}, String(first(r.type, r.predicate, ""))),
              " ",
              h("button", { type: "button", class: "link", onclick: () => openActor(otherId, name) }, name),
              r.validFrom || r.validTo
                ? h("span", { class: "muted" }, ` (${dateStr(r.validFrom) || "…"} – ${dateStr(r.validTo) || "…"})`)
                : null,
            );
          }),
        )
      : h("p", { class: "muted" }, "No relation on record for this date.");
    const children = [
      h("h3", { class: "title" }, labelOf(a)),
      typeTags(typesOf(a)),
      dl([
        ["Id", slugOf(first(a.id, a.iri))],
        ["Aliases", asList(first(a.aliases, a.properties?.altLabel, []))],
        ["Founded", dateStr(first(a.founded, a.properties?.foundedDate))],
        ["Dissolved", dateStr(first(a.dissolved, a.properties?.dissolvedDate))],
        ["About", first(a.description, a.comment, a.properties?.["comment@en"])],
        ["IRI", h("code", {}, String(first(a.iri, "")))],
      ]),
      h("h3", {}, `Relations${state.at ? ` on ${state.at}` : ""} (${rels.length})`),
      relList,
      await sourcesBlock(first(a.sources, a.properties?.sources, [])),
    ];
    if (state.selected === null || state.selected === slug) {
      showDetails(...children);
      details().dataset.actor = slug;
    }
  } catch (exc) {
    report(exc);
  }
}

function selectNode(id) {
  const n = state.graph.nodes.find((x) => x.id === id);
  if (!n) return;
  state.selected = n.slug;
  if (cy) {
    cy.elements().unselect();
    cy.getElementById(id).select();
    cy.getElementById(id).connectedEdges().addClass("labelled");
  }
  if (isEventClass(n.cls)) return showEvent(n.slug);
  if (n.cls === "Place") return showPlace(n);
  if (n.cls === "Source" || n.cls === "Claim") return showGeneric(n);
  const panel = [
    h("h3", { class: "title" }, n.label),
    typeTags(n.types),
    h(
      "p",
      {},
      h("button", { type: "button", onclick: () => openActor(n.slug, n.label) }, "Centre the network here"),
    ),
  ];
  showDetails(...panel);
  return showActor(n.slug).then(() => {
    details().prepend(
      h("p", {}, h("button", { type: "button", onclick: () => openActor(n.slug, n.label) }, "Centre the network here")),
    );
  });
}

async function showPlace(n) {
  showGeneric(n);
  try {
    const evs = await api.eventsAt(n.slug);
    if (state.selected !== n.slug) return;
    details().append(
      h("h3", {}, `Events here (${evs.length})`),
      evs.length
        ? h(
            "ul",
            { class: "rels" },
            evs.map((e) =>
              h(
                "li",
                {},
                h("span", { class: "muted" }, `${dateStr(e.date) || "undated"} `),
                h("button", { type: "button", class: "link", onclick: () => showEvent(first(e.id, e.iri)) }, labelOf(e)),
              ),
            ),
          )
        : h("p", { class: "muted" }, "No event recorded here."),
    );
  } catch (exc) {
    report(exc);
  }
}

function showGeneric(n) {
  const p = props(n.raw);
  const skip = new Set(["id", "iri", "label", "name", "types", "labels", "rdfTypes", "properties", "search", "loadId", "slug", "hop"]);
  const pairs = Object.entries(p)
    .filter(([k, v]) => !skip.has(k) && (typeof v !== "object" || Array.isArray(v)))
    .map(([k, v]) => [k, Array.isArray(v) ? v.map(String) : String(v)]);
  showDetails(h("h3", { class: "title" }, n.label), typeTags(n.types), dl([...pairs, ["IRI", h("code", {}, n.iri || "")]]));
}

async function selectEdge(id) {
  const e = state.graph.edges.find((x) => x.id === id);
  if (!e) return;
  state.selected = id;
  if (cy) {
    cy.elements().unselect();
    cy.getElementById(id).select();
  }
  const name = (nid) => state.graph.nodes.find((n) => n.id === nid)?.label || nid;
  const p = props(e.raw);
  showDetails(
    h("h3", { class: "title" }, `${name(e.source)} — ${e.type} → ${name(e.target)}`),
    dl([
      ["Relation", e.type],
      ["From", name(e.source)],
      ["To", name(e.target)],
      ["Valid from", e.validFrom || (e.validTo ? "unknown" : null)],
      ["Valid to", e.validTo || (e.validFrom ? "still holds" : null)],
      ["Label", first(p.label, p["label@en"])],
      ["Note", first(p.comment, p["comment@en"])],
      ["IRI", e.iri ? h("code", {}, e.iri) : null],
    ]),
    await sourcesBlock(e.sources),
  );
}

/** An event with its claims, grouped by kind and shown side by side (contested ones flagged). */
async function showEvent(id) {
  state.selected = slugOf(id);
  writeHash({ event: slugOf(id) });
  try {
    const ev = await api.event(id);
    const p = props(ev);
    const claims = asList(first(ev.claims, []));
    const byKind = new Map();
    for (const c of claims) {
      const kind = localName(first(c.kind, c.claimKind, c.claim_kind, "Claim"));
      if (!byKind.has(kind)) byKind.set(kind, []);
      byKind.get(kind).push(c);
    }
    const claimSources = await resolveSources(claims.map((c) => first(c.source, asList(c.sources)[0])).filter(Boolean));
    const srcByIri = new Map(claimSources.map((s) => [s.iri, s]));
    const srcOf = (c) => {
      const s = first(c.source, asList(c.sources)[0]);
      if (!s) return null;
      const iri = typeof s === "object" ? first(s.iri, s.id) : String(s).startsWith("http") ? s : `https://w3id.org/sahel-kg/id/${slugOf(s)}`;
      return { ...(typeof s === "object" ? normaliseSource(s) : {}), ...(srcByIri.get(iri) || {}), iri };
    };
    for (const list of byKind.values()) list.sort((a, b) => Number(a.value) - Number(b.value));
    const QUAL = { approximately: "about", "more-than": "more than", "at-least": "at least", "up-to": "up to" };
    const kindBlocks = [...byKind.entries()].map(([kind, list]) => {
      const values = new Set(list.map((c) => String(c.value)));
      const contested = values.size > 1;
      const units = new Set(list.map((c) => first(c.unit, "")));
      const unit = units.size === 1 ? [...units][0] : null;
      return h(
        "section",
        { class: "claim-kind", dataset: { kind } },
        h("h3", { id: `claims-${kind}` }, `${kind}${unit ? ` (${unit})` : ""} `, contested ? h("span", { class: "tag contested" }, `contested: ${values.size} figures`) : null),
        h(
          "table",
          { class: "claims", "aria-labelledby": `claims-${kind}` },
          h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "Figure"), h("th", { scope: "col" }, "According to"), h("th", { scope: "col" }, "Source"))),
          h(
            "tbody",
            {},
            list.map((c) => {
              const s = srcOf(c);
              const q = first(c.qualifier, c.valueQualifier);
              const title = s ? s.title || slugOf(s.iri) : null;
              return h(
                "tr",
                { class: "claim", dataset: { value: String(c.value) } },
                h(
                  "td",
                  { class: "figure" },
                  h("span", { class: "value" }, `${q && q !== "exact" ? `${QUAL[q] || q} ` : ""}${c.value}`),
                  !unit && first(c.unit) ? h("span", { class: "muted" }, ` ${c.unit}`) : null,
                  joined(c.victimCategory) ? h("span", { class: "muted cat" }, joined(c.victimCategory)) : null,
                ),
                h("td", { class: "who" }, joined(c.attribution) || "unattributed"),
                h(
                  "td",
                  { class: "claim-source" },
                  s
                    ? [
                        s.url
                          ? h("a", { href: s.url, target: "_blank", rel: "noopener noreferrer", title }, title)
                          : h("span", { class: "src-title", title }, title),
                        s.publisher || s.published
                          ? h("span", { class: "muted" }, ` (${[s.publisher, s.published].filter(Boolean).join(", ")})`)
                          : null,
                      ]
                    : h("span", { class: "muted" }, "no source"),
                ),
              );
            }),
          ),
        ),
      );
    });
    // Related resources as links: actors re-centre the network, events open their details.
    const refs = (...keys) => {
      const seen = new Set();
      const out = [];
      for (const key of keys) {
        for (const x of asList(first(ev[key], p[key], []))) {
          const rid = slugOf(typeof x === "object" ? first(x.id, x.iri) : x);
          if (!rid || seen.has(rid)) continue;
          seen.add(rid);
          const name = typeof x === "object" ? labelOf(x) : rid;
          const cls = mainClass(typesOf(typeof x === "object" ? x : {}));
          if (out.length) out.push(", ");
          if (isEventClass(cls)) {
            out.push(h("button", { type: "button", class: "link", onclick: () => showEvent(rid) }, name));
          } else if (cls === "Place") out.push(name);
          else out.push(h("button", { type: "button", class: "link", onclick: () => openActor(rid, name) }, name));
        }
      }
      return out.length ? h("span", {}, out) : null;
    };
    const about = first(ev.description, ev.comment, p.comment);
    showDetails(
      h("h3", { class: "title" }, labelOf(ev)),
      typeTags(typesOf(ev)),
      dl([
        ["Date", dateStr(first(ev.date, p.date))],
        ["Where", refs("places", "location")],
        ["Perpetrators", refs("perpetrators", "perpetrator")],
        ["Claimed by", refs("claimedBy")],
      ]),
      h("h3", {}, `Claims (${claims.length})`),
      kindBlocks.length ? h("div", { class: "claim-groups" }, kindBlocks) : h("p", { class: "muted" }, "No figures recorded."),
      await sourcesBlock(first(ev.sources, p.sources, p.source, []), "Event sources"),
      dl([
        ["Targets", refs("targets", "target")],
        ["Participants", refs("participants")],
        ["Condemned by", refs("condemnedBy")],
        ["Part of", refs("partOf")],
        ["Parts", refs("parts")],
        ["Statements", refs("statements")],
        ["IRI", h("code", {}, String(first(ev.iri, "")))],
      ]),
      about ? h("details", { class: "about" }, h("summary", {}, "Description"), h("p", {}, about)) : null,
    );
    details().focus({ preventScroll: true });
    for (const li of document.querySelectorAll("#timeline li")) {
      li.classList.toggle("current", li.dataset.id === slugOf(id));
    }
  } catch (exc) {
    report(exc);
  }
}

// ------------------------------------------------------------------ timeline

async function loadTimeline() {
  try {
    const list = await api.timeline(state.actor);
    state.timeline = list
      .map((e) => {
        const it = e.item || e;
        const kind = first(e.kind, "event");
        return {
          id: slugOf(first(it.id, it.iri)),
          label: labelOf(it),
          date: dateStr(first(e.date, it.date, it.properties?.date)),
          types: typesOf(it),
          roles: asList(first(e.roles, e.role, [])),
          kind,
          relation: e.relation || null,
        };
      })
      .filter((e) => e.id)
      .sort((a, b) => String(a.date).localeCompare(String(b.date)));
    renderTimeline();
  } catch (exc) {
    state.timeline = [];
    renderTimeline();
    if (!(exc instanceof ApiError && exc.status === 404)) report(exc);
  }
}

function renderTimeline() {
  const list = $("#timeline");
  if (!state.timeline.length) {
    list.replaceChildren(h("li", { class: "muted empty" }, state.actor ? "No events recorded for this actor." : ""));
    $("#timeline-axis").replaceChildren();
    return;
  }
  list.replaceChildren(
    ...state.timeline.map((e) => {
      const future = state.at && e.date > state.at;
      if (e.kind !== "event" && e.relation) {
        const r = e.relation;
        const arrow = r.direction === "in" ? "←" : "→";
        const verb = e.kind === "relation-end" ? "ends" : "starts";
        return h(
          "li",
          { class: `relation${future ? " future" : ""}`, dataset: { date: e.date || "", kind: e.kind } },
          h("time", { datetime: e.date || "" }, e.date || "undated"),
          h(
            "span",
            {},
            `${r.type} ${arrow} `,
            h("button", { type: "button", class: "link", onclick: () => openActor(e.id, e.label) }, e.label),
            h("span", { class: "muted" }, ` ${verb}`),
          ),
        );
      }
      return h(
        "li",
        { dataset: { id: e.id, date: e.date || "", kind: "event" }, class: future ? "future" : null },
        h("time", { datetime: e.date || "" }, e.date || "undated"),
        h(
          "span",
          {},
          h("button", { type: "button", class: "link", onclick: () => showEvent(e.id) }, e.label),
          " ",
          h("span", { class: "tag" }, localName(e.types[0] || "Event")),
          e.roles.length ? h("span", { class: "muted" }, ` ${e.roles.join(", ")}`) : null,
        ),
      );
    }),
  );
  drawAxis();
}

function drawAxis() {
  const svg = $("#timeline-axis");
  const w = svg.clientWidth || 600;
  const dated = state.timeline.filter((e) => e.date && e.kind === "event");
  if (!dated.length) return svg.replaceChildren();
  const y0 = Number(dated[0].date.slice(0, 4));
  const y1 = Math.max(Number(dated.at(-1).date.slice(0, 4)) + 1, y0 + 1);
  const t0 = Date.UTC(y0, 0, 1);
  const t1 = Date.UTC(y1, 0, 1);
  const x = (d) => 8 + ((Date.parse(`${d}T00:00:00Z`) - t0) / (t1 - t0)) * (w - 16);
  const NS = "http://www.w3.org/2000/svg";
  const el = (tag, attrs) => {
    const e = document.createElementNS(NS, tag);
    for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
    return e;
  };
  const parts = [el("line", { x1: 8, x2: w - 8, y1: 18, y2: 18, stroke: "#7b8794" })];
  const step = Math.ceil((y1 - y0) / 12);
  for (let y = y0; y <= y1; y += step) {
    const xx = x(`${y}-01-01`);
    parts.push(el("line", { x1: xx, x2: xx, y1: 14, y2: 22, stroke: "#7b8794" }));
    const t = el("text", { x: xx, y: 36, "text-anchor": "middle" });
    t.textContent = String(y);
    parts.push(t);
  }
  for (const e of dated) {
    const c = el("circle", { cx: x(e.date), cy: 18, r: 4.5, fill: colourOf(mainClass(e.types)), stroke: "#263238" });
    const title = document.createElementNS(NS, "title");
    title.textContent = `${e.date} ${e.label}`;
    c.append(title);
    parts.push(c);
  }
  if (state.at && state.at >= dated[0].date) {
    const xx = Math.min(x(state.at), w - 8);
    parts.push(el("line", { x1: xx, x2: xx, y1: 4, y2: 30, stroke: "#c2410c", "stroke-width": 2 }));
  }
  svg.replaceChildren(...parts);
}

// ------------------------------------------------------------------ date slider

let dateTimer = null;
function setDate(at, { redraw = true } = {}) {
  state.at = at;
  const slider = $("#date-slider");
  $("#use-date").checked = Boolean(at);
  if (at) {
    slider.value = String(dateToDay(at));
    $("#date-input").value = at;
  }
  $("#date-output").textContent = at || "all dates";
  slider.setAttribute("aria-valuetext", at || "all dates");
  writeHash();
  for (const li of document.querySelectorAll("#timeline li[data-date]")) {
    li.classList.toggle("future", Boolean(at && li.dataset.date > at));
  }
  drawAxis();
  if (!redraw || !state.actor) return;
  // Redraw at once from what is loaded, then ask the API for that day's network.
  drawGraph();
  clearTimeout(dateTimer);
  dateTimer = setTimeout(() => {
    loadGraph();
    if (state.selected === state.actor) showActor(state.actor);
  }, 120);
}

function initSlider() {
  const slider = $("#date-slider");
  const max = dateToDay(today());
  slider.max = String(max);
  slider.value = String(max);
  $("#date-input").max = today();
  slider.addEventListener("input", () => setDate(dayToDate(Number(slider.value))));
  $("#date-input").addEventListener("change", (e) => {
    const v = dateStr(e.target.value);
    if (v) setDate(v);
  });
  $("#use-date").addEventListener("change", (e) => {
    setDate(e.target.checked ? dayToDate(Number(slider.value)) : null);
  });
  // Keyboard: PageUp/PageDown move by a year, arrows by a day (native), Home/End to the ends.
  slider.addEventListener("keydown", (e) => {
    const step = { PageUp: 365, PageDown: -365 }[e.key];
    if (step) {
      e.preventDefault();
      const v = Math.min(Math.max(Number(slider.value) + step, 0), max);
      slider.value = String(v);
      setDate(dayToDate(v));
    }
  });
}

// ------------------------------------------------------------------ console

const EXAMPLES = {
  cypher:
    "MATCH (a:Actor)-[r:PARTNER_OF|MEMBER_OF|ALLIED_WITH]->(b:Actor)\n" +
    "RETURN a.name AS actor, type(r) AS relation, b.name AS other,\n" +
    "       r.validFrom AS validFrom, r.validTo AS validTo\nORDER BY actor LIMIT 50",
  sparql:
    "PREFIX sahel: <https://w3id.org/sahel-kg/ontology#>\nPREFIX kg: <https://w3id.org/sahel-kg/id/>\n" +
    "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>\n" +
    "SELECT ?partner ?from ?to WHERE {\n" +
    "  ?r sahel:subject kg:mali ; sahel:predicate sahel:partnerOf ; sahel:object ?partner .\n" +
    "  OPTIONAL { ?r sahel:validFrom ?from } OPTIONAL { ?r sahel:validTo ?to }\n" +
    '  FILTER ((!BOUND(?from) || ?from <= "2019-06-01"^^xsd:date) &&\n' +
    '          (!BOUND(?to) || ?to >= "2019-06-01"^^xsd:date))\n}',
};
const drafts = { ...EXAMPLES };
let lang = "cypher";

function cell(v) {
  if (v === null || v === undefined) return h("span", { class: "muted" }, "null");
  if (typeof v === "object") return JSON.stringify(v);
  const text = String(v);
  if (text.startsWith(KG) && !text.slice(KG.length).includes("/")) {
    const id = text.slice(KG.length);
    return h("button", { type: "button", class: "link", title: text, onclick: () => openResource(id) }, `kg:${id}`);
  }
  return text;
}

/** An id from a query result: an actor re-centres the network, anything else shows as an event. */
async function openResource(id) {
  try {
    const a = await api.actor(id);
    await openActor(id, labelOf(a));
  } catch (exc) {
    if (exc instanceof ApiError && exc.status === 404) showEvent(id);
    else report(exc);
  }
}

function renderTable(columns, rows) {
  return h(
    "table",
    {},
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((v) => h("td", {}, cell(v)))))),
  );
}

async function runQuery() {
  const q = $("#query").value.trim();
  const out = $("#query-results");
  const status = $("#query-status");
  if (!q) return;
  status.textContent = "Running…";
  const t0 = performance.now();
  try {
    if (lang === "cypher") {
      const res = await api.cypher(q);
      const columns = res.columns || [];
      const rows = (res.rows || []).map((r) => (Array.isArray(r) ? r : columns.map((c) => r[c])));
      out.replaceChildren(renderTable(columns, rows));
      status.textContent = `${rows.length} row(s)${res.truncated ? " (truncated: the row cap was reached)" : ""} in ${Math.round(performance.now() - t0)} ms`;
    } else {
      const res = await api.sparql(q);
      if (typeof res === "string") {
        out.replaceChildren(h("pre", {}, res));
        status.textContent = `graph result in ${Math.round(performance.now() - t0)} ms`;
      } else if (typeof res?.boolean === "boolean") {
        out.replaceChildren(h("p", {}, `ASK: ${res.boolean}`));
        status.textContent = "";
      } else {
        const vars = res?.head?.vars || [];
        const rows = (res?.results?.bindings || []).map((b) => vars.map((v) => b[v]?.value ?? null));
        out.replaceChildren(renderTable(vars, rows));
        status.textContent = `${rows.length} row(s) in ${Math.round(performance.now() - t0)} ms`;
      }
    }
  } catch (exc) {
    out.replaceChildren(h("div", { class: "error-box", role: "alert" }, exc.message || String(exc)));
    status.textContent = exc instanceof ApiError && exc.status ? `refused (HTTP ${exc.status})` : "failed";
  }
}

function initConsole() {
  const ta = $("#query");
  ta.value = drafts.cypher;
  for (const r of document.querySelectorAll('input[name="lang"]')) {
    r.addEventListener("change", () => {
      drafts[lang] = ta.value;
      lang = r.value;
      ta.value = drafts[lang];
    });
  }
  $("#console-form").addEventListener("submit", (e) => {
    e.preventDefault();
    runQuery();
  });
  ta.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      runQuery();
    }
  });
}

// ------------------------------------------------------------------ keyboard on the graph

function initGraphKeys() {
  const g = $("#graph");
  g.tabIndex = 0;
  g.setAttribute("aria-keyshortcuts", "ArrowRight ArrowLeft Enter");
  g.title = "Arrow keys: next/previous node; Enter: centre on it";
  let idx = -1;
  g.addEventListener("keydown", (e) => {
    if (!cy || !cy.nodes().length) return;
    const nodes = cy.nodes().sort((a, b) => a.data("full").localeCompare(b.data("full")));
    if (e.key === "ArrowRight" || e.key === "ArrowDown") idx = (idx + 1) % nodes.length;
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp") idx = (idx - 1 + nodes.length) % nodes.length;
    else if (e.key === "Enter" && idx >= 0) {
      const n = nodes[idx].data();
      if (!n.event && !n.place) openActor(n.slug, n.full);
      return;
    } else return;
    e.preventDefault();
    selectNode(nodes[idx].id());
  });
}

// ------------------------------------------------------------------ start

async function start() {
  initSlider();
  initConsole();
  initGraphKeys();
  for (const b of document.querySelectorAll("#graph-empty button[data-q]")) {
    b.addEventListener("click", () => {
      $("#search-input").value = b.dataset.q;
      search(b.dataset.q);
    });
  }
  $("#search-form").addEventListener("submit", (e) => {
    e.preventDefault();
    search($("#search-input").value);
  });
  addEventListener("resize", () => drawAxis());
  const want = readHash();
  state.hops = Math.min(Math.max(want.hops, 1), 3);
  $("#hops").value = String(state.hops);
  $("#hops").addEventListener("change", (e) => {
    state.hops = Number(e.target.value);
    writeHash();
    loadGraph();
  });
  if (want.at) setDate(want.at, { redraw: false });
  if (want.actor) {
    $("#search-input").value = want.actor;
    await openActor(want.actor, want.actor);
    // The label comes with the actor's details.
    api.actor(want.actor).then((a) => {
      state.actorLabel = labelOf(a);
      $("#graph-centre").textContent = `of ${state.actorLabel}`;
      $("#timeline-actor").textContent = `of ${state.actorLabel}`;
    }, () => {});
  } else {
    $("#search-input").focus();
  }
  if (want.event) showEvent(want.event);
  document.body.dataset.ready = "true";
}

start();
