// The selected actor's timeline: its events and the starts and ends of its relations, for
// the chosen period (the chart's brush), with a small axis; days after "as of" greyed.
import { api, ApiError, slugOf } from "./api.js";
import { $, actions, h, report, s } from "./dom.js";
import { formatDate } from "./dates.js";
import { getLang } from "./i18n.js";
import { relationWords } from "./labels.js";
import { state } from "./state.js";
import { colourOf, localName, mainClass } from "./style.js";

let items = [];

export async function loadTimeline() {
  if (!state.actor) return;
  try {
    const list = await api.timeline(state.actor, state.from, state.to);
    items = list.map((e) => ({
      id: slugOf(e.item.id || e.item.iri),
      label: e.item.label,
      date: e.date,
      types: e.item.types || [],
      roles: e.roles || [],
      kind: e.kind,
      relation: e.relation,
    }));
  } catch (exc) {
    items = [];
    if (!(exc instanceof ApiError && exc.status === 404)) report(exc);
  }
  renderTimeline();
}

export function renderTimeline() {
  const list = $("#timeline");
  const lang = getLang();
  if (!items.length) {
    list.replaceChildren(h("li", { class: "muted empty" }, "—"));
    $("#timeline-axis").replaceChildren();
    return;
  }
  list.replaceChildren(
    ...items.map((e) => {
      const future = Boolean(state.at && e.date > state.at);
      const when = h("time", { datetime: e.date }, formatDate(e.date, lang));
      if (e.kind !== "event" && e.relation) {
        const r = e.relation;
        return h(
          "li",
          { class: `relation${future ? " future" : ""}`, dataset: { date: e.date, kind: e.kind } },
          when,
          h(
            "span",
            {},
            `${r.direction === "in" ? "←" : "→"} ${relationWords(r.type, lang)} `,
            h("button", { type: "button", class: "link", onclick: () => actions.openActor(e.id, e.label) }, e.label),
            h("span", { class: "muted" }, e.kind === "relation-end" ? " ⏹" : " ▶"),
          ),
        );
      }
      return h(
        "li",
        { dataset: { id: e.id, date: e.date, kind: "event" }, class: future ? "future" : null },
        when,
        h(
          "span",
          {},
          h("button", { type: "button", class: "link", onclick: () => actions.showEvent(e.id) }, e.label),
          " ",
          h("span", { class: "tag" }, localName(e.types[0] || "Event")),
          e.roles.length ? h("span", { class: "muted" }, ` ${e.roles.join(", ").toLowerCase()}`) : null,
        ),
      );
    }),
  );
  drawAxis();
}

export function drawAxis() {
  const svg = $("#timeline-axis");
  const w = svg.clientWidth || 600;
  const dated = items.filter((e) => e.date && e.kind === "event");
  if (!dated.length) return svg.replaceChildren();
  const y0 = Number(dated[0].date.slice(0, 4));
  const y1 = Math.max(Number(dated.at(-1).date.slice(0, 4)) + 1, y0 + 1);
  const t0 = Date.UTC(y0, 0, 1);
  const t1 = Date.UTC(y1, 0, 1);
  const x = (d) => 8 + ((Date.parse(`${d}T00:00:00Z`) - t0) / (t1 - t0)) * (w - 16);
  const parts = [s("line", { x1: 8, x2: w - 8, y1: 18, y2: 18, stroke: "#7b8794" })];
  const step = Math.ceil((y1 - y0) / 12);
  for (let y = y0; y <= y1; y += step) {
    const xx = x(`${y}-01-01`);
    parts.push(s("line", { x1: xx, x2: xx, y1: 14, y2: 22, stroke: "#7b8794" }), s("text", { x: xx, y: 36, "text-anchor": "middle" }, String(y)));
  }
  for (const e of dated) {
    parts.push(s("circle", { cx: x(e.date), cy: 18, r: 4.5, fill: colourOf(mainClass(e.types)), stroke: "#263238" }, s("title", {}, `${e.date} ${e.label}`)));
  }
  if (state.at && state.at >= dated[0].date) {
    const xx = Math.min(x(state.at), w - 8);
    parts.push(s("line", { x1: xx, x2: xx, y1: 4, y2: 30, stroke: "#c2410c", "stroke-width": 2 }));
  }
  svg.replaceChildren(...parts);
  $("#timeline-title").dataset.count = String(dated.length);
}
