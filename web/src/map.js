// The map: Natural Earth country borders (world-atlas, bundled: no tile server, no other
// host), drawn with d3-geo; the events of the period up to the "as of" day at their place
// (a site without coordinates at its town, drawn dashed; a region or a country at its
// representative point); a scale bar and an attribution line. Clicking an event opens it.
import { geoDistance, geoMercator, geoPath } from "d3-geo";
import { feature, mesh } from "topojson-client";
import world from "world-atlas/countries-50m.json";
import { $, actions, h, s } from "./dom.js";
import { formatDate } from "./dates.js";
import { eventClass, PALETTE } from "./chartdata.js";
import { getLang, t } from "./i18n.js";
import { relationWords } from "./labels.js";
import { state } from "./state.js";

const countries = feature(world, world.objects.countries);
const borders = mesh(world, world.objects.countries, (a, b) => a !== b);
// The frame: the Sahel and its neighbours (events elsewhere are listed under the map).
const FRAME = { type: "MultiPoint", coordinates: [[-17, 8], [22, 23]] };
const NICE_KM = [50, 100, 200, 250, 500, 1000, 2000];

function scaleBar(projection, W, H) {
  const y = H - 18;
  const a = projection.invert([W / 2 - 50, H / 2]);
  const b = projection.invert([W / 2 + 50, H / 2]);
  const kmPer100 = geoDistance(a, b) * 6371;
  const km = NICE_KM.filter((k) => (k / kmPer100) * 100 <= 160).at(-1) || NICE_KM[0];
  const px = (km / kmPer100) * 100;
  return s(
    "g",
    { class: "scale", "data-km": km },
    s("line", { x1: 12, x2: 12 + px, y1: y, y2: y, stroke: "#1b1f24", "stroke-width": 2 }),
    s("line", { x1: 12, x2: 12, y1: y - 4, y2: y + 4, stroke: "#1b1f24" }),
    s("line", { x1: 12 + px, x2: 12 + px, y1: y - 4, y2: y + 4, stroke: "#1b1f24" }),
    s("text", { x: 12, y: y - 6, class: "scale-text" }, `${km} km`),
  );
}

function marker(e, x, y, lang) {
  const p = e.point;
  const colour = PALETTE[eventClass(e.types)] || "#666";
  const label = `${e.label}, ${formatDate(e.date, lang, e.datePrecision)} — ${p.inherited ? t("placed_at", { place: p.label, precision: p.precision }) : `${p.label} (${p.precision})`}`;
  const shape =
    p.precision === "country" || p.precision === "region"
      ? s("rect", { x: x - 5, y: y - 5, width: 10, height: 10, fill: colour, stroke: "#1b1f24", "stroke-dasharray": "2 1.5" })
      : s("circle", { cx: x, cy: y, r: 5.5, fill: colour, stroke: "#1b1f24", "stroke-width": p.inherited ? 1 : 1.4, "stroke-dasharray": p.inherited ? "2 1.5" : null });
  const g = s(
    "g",
    {
      class: "event",
      tabindex: 0,
      role: "button",
      "aria-label": label,
      "data-id": e.id,
      "data-place": p.place,
      "data-precision": p.precision,
      "data-x": x.toFixed(1),
      "data-y": y.toFixed(1),
      onclick: () => actions.showEvent(e.id),
      onkeydown: (ev) => {
        if (ev.key === "Enter" || ev.key === " ") {
          ev.preventDefault();
          actions.showEvent(e.id);
        }
      },
    },
    s("title", {}, label),
    shape,
  );
  if (e.id === state.event) g.classList.add("current");
  return g;
}

let frame = null; // the last drawing's projection and size, for drawLinks

/** The centre's relations (as the network shows them, so as of the same day) to actors
 * that are places with coordinates (states): a line from the centre's point towards each,
 * cut at the frame's edge when the other end lies outside, labelled in plain words. */
export function drawLinks() {
  const svg = $("#map");
  svg.querySelector(".links")?.remove();
  if (!frame || !state.places || !state.actor) return;
  const { projection, W, H } = frame;
  const byId = new Map(state.places.map((p) => [p.iri, p]));
  const centre = state.view.nodes.find((n) => n.slug === state.actor);
  const origin = centre && byId.get(centre.iri);
  if (!origin) return;
  const [x0, y0] = projection([origin.lon, origin.lat]);
  const lang = getLang();
  const g = s("g", { class: "links" });
  const byOther = new Map(); // several relations with one actor: one line, all their words
  for (const e of state.view.edges) {
    if (e.source !== centre.iri && e.target !== centre.iri) continue;
    const other = byId.get(e.source === centre.iri ? e.target : e.source);
    if (!other || other.iri === origin.iri) continue;
    if (!byOther.has(other.iri)) byOther.set(other.iri, { other, types: [] });
    byOther.get(other.iri).types.push(e.type);
  }
  for (const { other, types } of byOther.values()) {
    let [x1, y1] = projection([other.lon, other.lat]);
    // Cut at the frame: the largest fraction of the segment that stays inside.
    const k = Math.min(1, ...[[x1 - x0, 0 - x0, W - x0], [y1 - y0, 0 - y0, H - 30 - y0]].map(([d, lo, hi]) => (d > 0 ? hi / d : d < 0 ? lo / d : 1)));
    [x1, y1] = [x0 + (x1 - x0) * k * 0.97, y0 + (y1 - y0) * k * 0.97];
    const words = `${types.map((x) => relationWords(x, lang)).join(", ")} ${other.label}`;
    g.append(
      s(
        "g",
        { class: "relation-link", "data-other": other.id, "data-type": types.join(" ") },
        s("line", { x1: x0, y1: y0, x2: x1, y2: y1, stroke: "#0b57a4", "stroke-width": 1.8, "stroke-dasharray": k < 1 ? "5 3" : null, "marker-end": "url(#arrow)" }),
        s("text", { x: Math.min(Math.max(x1, 8), W - 8), y: Math.min(Math.max(y1 + (y1 < 20 ? 16 : -6), 14), H - 40), class: "link-label", "text-anchor": x1 > W / 2 ? "end" : "start" }, `${words}${k < 1 ? " →" : ""}`),
        s("title", {}, words),
      ),
    );
  }
  svg.append(g);
}

/** Draw `events` (from /map/events) and `places` into #map. */
export function drawMap(events, places) {
  const svg = $("#map");
  const W = svg.clientWidth || 640;
  const H = svg.clientHeight || 420;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const projection = geoMercator().fitExtent([[8, 8], [W - 8, H - 34]], FRAME);
  const path = geoPath(projection);
  const lang = getLang();
  const inside = ([x, y]) => x >= 0 && x <= W && y >= 0 && y <= H - 26;
  frame = { projection, W, H };
  const parts = [
    s("defs", {}, s("marker", { id: "arrow", viewBox: "0 0 10 10", refX: 9, refY: 5, markerWidth: 7, markerHeight: 7, orient: "auto-start-reverse" }, s("path", { d: "M0,0 L10,5 L0,10 z", fill: "#0b57a4" }))),
    s("rect", { x: 0, y: 0, width: W, height: H, fill: "#dbe9f4" }),
    s("path", { d: path(countries), fill: "#f4f1ea", stroke: "none" }),
    s("path", { d: path(borders), fill: "none", stroke: "#8c8c8c", "stroke-width": 0.7 }),
  ];
  for (const p of places) {
    if (p.precision === "country") continue;
    const xy = projection([p.lon, p.lat]);
    if (!inside(xy)) continue;
    parts.push(
      s("g", { class: "place", "data-id": p.id }, s("circle", { cx: xy[0], cy: xy[1], r: 2, fill: "#4a5360" }), s("text", { x: xy[0] + 4, y: xy[1] - 4, class: "place-label" }, p.label)),
    );
  }
  const byPoint = new Map();
  const outside = [];
  const unplaced = [];
  for (const e of events) {
    if (!e.point) {
      unplaced.push(e.label);
      continue;
    }
    const xy = projection([e.point.lon, e.point.lat]);
    if (!inside(xy)) {
      outside.push(`${e.label} (${e.point.label})`);
      continue;
    }
    const key = xy.map((v) => v.toFixed(0)).join(",");
    if (!byPoint.has(key)) byPoint.set(key, { xy, events: [] });
    byPoint.get(key).events.push(e);
  }
  for (const { xy, events: here } of byPoint.values()) {
    // Several events at one point: fanned out on a small ring, a thin line to the point.
    const r = here.length > 1 ? Math.min(6 + here.length * 1.6, 22) : 0;
    here.forEach((e, i) => {
      const a = (2 * Math.PI * i) / here.length - Math.PI / 2;
      const [x, y] = [xy[0] + r * Math.cos(a), xy[1] + r * Math.sin(a)];
      if (r) parts.push(s("line", { x1: xy[0], y1: xy[1], x2: x, y2: y, stroke: "#4a5360", "stroke-width": 0.6 }));
      parts.push(marker(e, x, y, lang));
    });
  }
  parts.push(
    scaleBar(projection, W, H),
    s("text", { x: W - 8, y: H - 8, "text-anchor": "end", class: "attribution" }, "Borders: Natural Earth (public domain) via world-atlas · places: seeds/geo.ttl, each with its source"),
  );
  svg.replaceChildren(...parts);
  drawLinks();
  svg.dataset.events = String(events.length - outside.length - unplaced.length);
  svg.dataset.at = state.at || "";
  svg.dataset.from = state.from || "";
  svg.dataset.to = state.to || "";
  const notes = [];
  if (outside.length) notes.push(t("not_on_map", { list: outside.join("; ") }));
  if (unplaced.length) notes.push(t("no_point", { list: unplaced.join("; ") }));
  $("#map-note").replaceChildren(...notes.map((n) => h("p", { class: "muted" }, n)));
}
