// The details panel: an actor with its relations as of the day, a relation with its
// period, ontology term and every source, a place with its coordinates and events.
// (Events and their contested figures: event.js.)
import { api, slugOf } from "./api.js";
import { $, actions, h, report } from "./dom.js";
import { formatDate } from "./dates.js";
import { getLang, t } from "./i18n.js";
import { ontologyTerm, relationWords } from "./labels.js";
import { sourcesBlock } from "./sources.js";
import { state } from "./state.js";
import { localName } from "./style.js";

export const details = () => $("#details");

export function showDetails(...children) {
  details().replaceChildren(...children.filter((c) => c !== null && c !== undefined && c !== false));
}

export function dl(pairs) {
  const rows = pairs.filter(([, v]) => v !== undefined && v !== null && v !== "" && !(Array.isArray(v) && !v.length));
  return h("dl", {}, rows.flatMap(([k, v]) => [h("dt", {}, k), h("dd", {}, v instanceof Node ? v : Array.isArray(v) ? v.join(", ") : String(v))]));
}

export const typeTags = (types) => h("div", { class: "types" }, (types || []).map((x) => h("span", { class: "tag" }, localName(x))));

export async function showActorPanel(slug, label, { offerCentre = false } = {}) {
  state.selected = slug;
  const lang = getLang();
  try {
    const [a, rels] = await Promise.all([api.actor(slug), api.relations(slug, state.at).catch(() => [])]);
    if (state.selected !== slug) return;
    const relList = rels.length
      ? h(
          "ul",
          { class: "rels" },
          rels.map((r) =>
            h(
              "li",
              {},
              r.direction === "in" ? "← " : "→ ",
              h("strong", { title: ontologyTerm(r.type) }, relationWords(r.type, lang)),
              " ",
              h("button", { type: "button", class: "link", onclick: () => actions.openActor(r.other.id, r.other.label) }, r.other.label),
              r.validFrom || r.validTo ? h("span", { class: "muted" }, ` (${r.validFrom || "…"} – ${r.validTo || "…"})`) : null,
              r.sources.length > 1 ? h("span", { class: "muted" }, ` · ${r.sources.length} ${t("sources").toLowerCase()}`) : null,
            ),
          ),
        )
      : h("p", { class: "muted" }, "—");
    showDetails(
      h("h3", { class: "title" }, a.label),
      typeTags(a.types),
      offerCentre && slug !== state.actor
        ? h("p", {}, h("button", { type: "button", onclick: () => actions.openActor(slug, a.label) }, t("centre_here")))
        : null,
      dl([
        ["Id", a.id],
        ["Aliases", a.aliases],
        ["Founded", a.founded],
        ["Dissolved", a.dissolved],
        ["About", a.description],
        ["IRI", h("code", {}, a.iri)],
      ]),
      h("h3", {}, `${state.at ? t("relations_on", { at: state.at }) : t("relations")} (${rels.length})`),
      relList,
      await sourcesBlock(a.sources),
    );
    details().dataset.actor = slug;
  } catch (exc) {
    report(exc);
  }
}

export async function showRelation(e, fromName, toName) {
  state.selected = e.id;
  const lang = getLang();
  const words = relationWords(e.type, lang);
  showDetails(
    h("h3", { class: "title" }, `${fromName} — ${words} → ${toName}`),
    dl([
      [t("ontology_term"), h("code", {}, `${ontologyTerm(e.type)} (${e.type})`)],
      [t("valid_from"), e.validFrom || (e.validTo ? t("unknown") : null)],
      [t("valid_to"), e.validTo || (e.validFrom ? t("still_holds") : null)],
      ["Label", e.label],
      [t("qualified_nodes"), e.iris.length ? h("span", {}, e.iris.map((i) => h("code", { class: "iri" }, slugOf(i), " "))) : null],
    ]),
    await sourcesBlock(e.sources),
  );
}

export async function showPlace(slug, label) {
  state.selected = slug;
  const lang = getLang();
  const place = state.places?.find((p) => p.id === slug);
  showDetails(
    h("h3", { class: "title" }, label || slug),
    place
      ? dl([
          ["Lat, lon", `${place.lat.toFixed(3)}, ${place.lon.toFixed(3)}`],
          [t("precision"), place.precision],
          ["GeoNames", place.geonamesId],
        ])
      : null,
    place ? await sourcesBlock(place.coordinatesSources, t("source")) : null,
  );
  try {
    const evs = await api.eventsAt(slug);
    if (state.selected !== slug) return;
    details().append(
      h("h3", {}, `${t("events_here")} (${evs.length})`),
      h(
        "ul",
        { class: "rels" },
        evs.map((e) =>
          h(
            "li",
            {},
            h("span", { class: "muted" }, `${formatDate(e.date, lang) || "—"} `),
            h("button", { type: "button", class: "link", onclick: () => actions.showEvent(e.id) }, e.label),
          ),
        ),
      ),
    );
  } catch (exc) {
    report(exc);
  }
}
