// The ego network (cytoscape.js): one edge per relation as the API gives it, labelled in
// plain words; filters by class and relation type; leaves folded into their neighbour;
// a list of every node and relation as buttons for keyboard and screen-reader users.
import cytoscape from "cytoscape";
import { api, ApiError } from "./api.js";
import { $, actions, h, report, setStatus } from "./dom.js";
import { facets, normaliseGraph, radialLayout, viewOf } from "./graphdata.js";
import { getLang, t } from "./i18n.js";
import { relationWords } from "./labels.js";
import { drawLinks } from "./map.js";
import { state } from "./state.js";
import { CLASSES, colourOf, cyStyle, isEventClass } from "./style.js";

let cy = null;
let loadSeq = 0;

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
  cy.on("mouseover", "node", (e) => e.target.closedNeighborhood().addClass("hover"));
  cy.on("mouseout", "node", (e) => e.target.closedNeighborhood().removeClass("hover"));
  cy.on("dbltap", "node", (e) => {
    const n = e.target.data();
    if (!n.event && !n.place) actions.openActor(n.slug, n.full);
  });
  window.__cy = cy; // for the end-to-end tests and the curious
  return cy;
}

export const getCy = () => cy;

function centreId() {
  const hit = state.graph.nodes.find((n) => n.slug === state.actor || n.id === state.actor);
  return hit ? hit.id : state.graph.nodes[0]?.id;
}

const shortLabel = (s) => {
  const m = s.match(/\(([^)]{2,12})\)\s*$/); // "Group to Support Islam and Muslims (JNIM)" -> JNIM
  if (m) return m[1];
  return s.length > 26 ? `${s.slice(0, 24)}…` : s;
};

export function drawGraph() {
  const c = ensureCy();
  const centre = centreId();
  const view = viewOf(state.graph, centre, { hide: state.hide, hiderel: state.hiderel, collapse: state.leaves });
  state.view = view;
  const lang = getLang();
  c.batch(() => {
    c.elements().remove();
    for (const n of view.nodes) {
      const folded = view.folded.get(n.id);
      c.add({
        group: "nodes",
        data: {
          id: n.id,
          slug: n.slug,
          full: n.label,
          short: folded ? `${shortLabel(n.label)} (${t("more", { n: folded })})` : shortLabel(n.label),
          colour: colourOf(n.cls),
          cls: n.cls,
          event: isEventClass(n.cls),
          place: n.cls === "Place",
        },
      });
    }
    for (const e of view.edges) {
      c.add({
        group: "edges",
        data: { id: e.id, source: e.source, target: e.target, label: relationWords(e.type, lang), timed: Boolean(e.validFrom || e.validTo) },
      });
    }
    c.getElementById(centre).addClass("centre");
  });
  if (c.nodes().length) {
    const box = $("#graph");
    const aspect = (box.clientWidth || 1) / (box.clientHeight || 1);
    c.layout({ name: "preset", positions: radialLayout(view, centre, aspect), fit: true, padding: 30 }).run();
  }
  // Labels on every edge when few; at 2-3 hops only around the centre and the selection.
  c.edges().toggleClass("labelled", view.edges.length <= 40);
  c.getElementById(centre).connectedEdges().addClass("labelled");
  renderLists(view);
  renderLegend(view);
  renderFilters();
  $("#graph").dataset.nodes = String(view.nodes.length);
  $("#graph").dataset.at = state.at || "";
  drawLinks();
  return view;
}

function renderLegend(view) {
  const present = new Set(view.nodes.map((n) => n.cls));
  $("#legend").replaceChildren(
    ...CLASSES.filter(([k]) => present.has(k)).map(([k, col, label]) => h("span", { style: `--c:${col}`, dataset: { cls: k } }, label)),
  );
}

function renderFilters() {
  const { classes, types } = facets(state.graph);
  const box = (kind, value, count, label, hiddenList) =>
    h(
      "label",
      { class: "check" },
      h("input", {
        type: "checkbox",
        name: kind,
        value,
        checked: !hiddenList.includes(value),
        onchange: (e) => {
          const next = e.target.checked ? hiddenList.filter((x) => x !== value) : [...hiddenList, value];
          actions.navigate({ [kind]: next }, { push: false });
        },
      }),
      `${label} (${count})`,
    );
  const lang = getLang();
  $("#class-filters").replaceChildren(...classes.map(([cls, n]) => box("hide", cls, n, cls, state.hide)));
  $("#rel-filters").replaceChildren(...types.map(([type, n]) => box("hiderel", type, n, relationWords(type, lang), state.hiderel)));
  $("#collapse-leaves").checked = state.leaves;
}

function renderLists(view) {
  const names = new Map(view.nodes.map((n) => [n.id, n.label]));
  const lang = getLang();
  $("#counts").textContent = t("nodes_relations", { n: view.nodes.length, m: view.edges.length });
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
        h("button", { type: "button", class: "link", onclick: () => selectEdge(e.id) }, `${names.get(e.source)} — ${relationWords(e.type, lang)} → ${names.get(e.target)}`),
        e.validFrom || e.validTo ? h("span", { class: "muted" }, ` ${e.validFrom || "…"} – ${e.validTo || "…"}`) : null,
      ),
    ),
  );
}

export async function loadGraph() {
  if (!state.actor) return;
  const seq = ++loadSeq;
  const t0 = performance.now();
  $("#graph").setAttribute("aria-busy", "true");
  try {
    const body = await api.neighbourhood(state.actor, state.hops, state.at);
    if (seq !== loadSeq) return;
    document.body.dataset.fetchMs = String(Math.round(performance.now() - t0));
    state.graph = normaliseGraph(body);
    const view = drawGraph();
    $("#graph").setAttribute("aria-busy", "false");
    document.body.dataset.graphReady = String(Math.round(performance.now()));
    setStatus(body?.truncated ? t("large_network", { n: state.graph.edges.length }) : view.nodes.length > 1 ? "" : t("nothing_connected"));
  } catch (exc) {
    if (seq !== loadSeq) return;
    report(exc);
    if (exc instanceof ApiError && exc.status === 404) {
      cy?.elements().remove();
      $("#graph-empty").hidden = false;
    }
  }
}

export function selectNode(id) {
  const n = state.graph.nodes.find((x) => x.id === id);
  if (!n) return;
  if (cy) {
    cy.elements().unselect();
    cy.getElementById(id).select();
    cy.getElementById(id).connectedEdges().addClass("labelled");
  }
  if (isEventClass(n.cls)) return actions.showEvent(n.slug);
  if (n.cls === "Place") return actions.showPlace(n.slug, n.label);
  return actions.showActorPanel(n.slug, n.label, { offerCentre: true });
}

export function selectEdge(id) {
  const e = state.graph.edges.find((x) => x.id === id);
  if (!e) return;
  if (cy) {
    cy.elements().unselect();
    cy.getElementById(id).select();
  }
  const name = (nid) => state.graph.nodes.find((n) => n.id === nid)?.label || nid;
  return actions.showRelation(e, name(e.source), name(e.target));
}

/** Keyboard on the canvas: arrows step through the nodes, Enter re-centres. */
export function initNetworkKeys() {
  const g = $("#graph");
  g.tabIndex = 0;
  g.setAttribute("aria-keyshortcuts", "ArrowRight ArrowLeft Enter");
  let idx = -1;
  g.addEventListener("keydown", (e) => {
    if (!cy || !cy.nodes().length) return;
    const nodes = cy.nodes().sort((a, b) => a.data("full").localeCompare(b.data("full")));
    if (e.key === "ArrowRight" || e.key === "ArrowDown") idx = (idx + 1) % nodes.length;
    else if (e.key === "ArrowLeft" || e.key === "ArrowUp") idx = (idx - 1 + nodes.length) % nodes.length;
    else if (e.key === "Enter" && idx >= 0) {
      const n = nodes[idx].data();
      if (!n.event && !n.place) actions.openActor(n.slug, n.full);
      return;
    } else return;
    e.preventDefault();
    selectNode(nodes[idx].id());
  });
  $("#collapse-leaves").addEventListener("change", (e) => actions.navigate({ leaves: e.target.checked }, { push: false }));
}
