// An event in the details panel: its figures grouped by kind and shown side by side, each
// with who the source attributes it to and the source; contested figures flagged.
import { api, slugOf } from "./api.js";
import { actions, h, report } from "./dom.js";
import { formatDate } from "./dates.js";
import { details, dl, showDetails, typeTags } from "./details.js";
import { getLang, t } from "./i18n.js";
import { resolveSources, sourcesBlock } from "./sources.js";
import { state } from "./state.js";
import { isEventClass, localName, mainClass } from "./style.js";
import { httpUrl } from "./urls.js";

const QUAL = {
  en: { approximately: "about", "more-than": "more than", "at-least": "at least", "up-to": "up to" },
  fr: { approximately: "environ", "more-than": "plus de", "at-least": "au moins", "up-to": "jusqu'à" },
};
const joined = (v) => (v || []).filter(Boolean).join("; ");

function claimRow(c, src, unit, lang) {
  const q = c.qualifier;
  const title = src ? src.title || slugOf(src.iri) : null;
  return h(
    "tr",
    { class: "claim", dataset: { value: String(c.value) } },
    h(
      "td",
      { class: "figure" },
      h("span", { class: "value" }, `${q && q !== "exact" ? `${QUAL[lang][q] || q} ` : ""}${c.value}`),
      !unit && c.unit ? h("span", { class: "muted" }, ` ${c.unit}`) : null,
      joined(c.victimCategory) ? h("span", { class: "muted cat" }, joined(c.victimCategory)) : null,
    ),
    h("td", { class: "who" }, joined(c.attribution) || (c.statedBy || []).map((x) => x.label).join("; ") || "—"),
    h(
      "td",
      { class: "claim-source" },
      src
        ? [
            httpUrl(src.url) ? h("a", { href: httpUrl(src.url), target: "_blank", rel: "noopener noreferrer", title }, title) : h("span", { class: "src-title", title }, title),
            src.publisher || src.published ? h("span", { class: "muted" }, ` (${[src.publisher, src.published].filter(Boolean).join(", ")})`) : null,
          ]
        : h("span", { class: "muted" }, "—"),
    ),
  );
}

function claimGroups(claims, srcByIri, lang) {
  const byKind = new Map();
  for (const c of claims) {
    const kind = localName(c.kind || "Claim");
    if (!byKind.has(kind)) byKind.set(kind, []);
    byKind.get(kind).push(c);
  }
  return [...byKind.entries()].map(([kind, list]) => {
    list.sort((a, b) => Number(a.value) - Number(b.value));
    const values = new Set(list.map((c) => String(c.value)));
    const units = new Set(list.map((c) => c.unit || ""));
    const unit = units.size === 1 ? [...units][0] : null;
    return h(
      "section",
      { class: "claim-kind", dataset: { kind } },
      h("h3", { id: `claims-${kind}` }, `${kind}${unit ? ` (${unit})` : ""} `, values.size > 1 ? h("span", { class: "tag contested" }, t("contested", { n: values.size })) : null),
      h(
        "table",
        { class: "claims", "aria-labelledby": `claims-${kind}` },
        h("thead", {}, h("tr", {}, [t("figure"), t("according_to"), t("source")].map((x) => h("th", { scope: "col" }, x)))),
        h("tbody", {}, list.map((c) => claimRow(c, srcByIri.get(c.sources?.[0]?.iri), unit, lang))),
      ),
    );
  });
}

function refs(list) {
  const out = [];
  for (const x of list || []) {
    if (out.length) out.push(", ");
    const cls = mainClass(x.types);
    if (isEventClass(cls)) out.push(h("button", { type: "button", class: "link", onclick: () => showEvent(x.id) }, x.label));
    else if (cls === "Place") out.push(h("button", { type: "button", class: "link", onclick: () => actions.showPlace(x.id, x.label) }, x.label));
    else out.push(h("button", { type: "button", class: "link", onclick: () => actions.openActor(x.id, x.label) }, x.label));
  }
  return out.length ? h("span", {}, out) : null;
}

export async function showEvent(id) {
  const slug = slugOf(id);
  state.selected = slug;
  actions.navigate({ event: slug }, { push: true, load: false });
  const lang = getLang();
  try {
    const ev = await api.event(slug);
    if (state.selected !== slug) return;
    const claims = ev.claims || [];
    const srcs = await resolveSources(claims.map((c) => c.sources?.[0]).filter(Boolean));
    const srcByIri = new Map(srcs.map((s) => [s.iri, s]));
    const groups = claimGroups(claims, srcByIri, lang);
    showDetails(
      h("h3", { class: "title" }, ev.label),
      typeTags(ev.types),
      dl([
        [t("date"), formatDate(ev.date, lang, ev.datePrecision || "day")],
        [t("where"), refs(ev.places)],
        [t("perpetrators"), refs(ev.perpetrators)],
        [t("claimed_by"), refs(ev.claimedBy)],
      ]),
      h("h3", {}, `${t("claims")} (${claims.length})`),
      groups.length ? h("div", { class: "claim-groups" }, groups) : h("p", { class: "muted" }, t("no_figures")),
      await sourcesBlock(ev.sources),
      dl([
        ["Targets", refs(ev.targets)],
        ["Participants", refs(ev.participants)],
        ["Condemned by", refs(ev.condemnedBy)],
        ["Part of", refs(ev.partOf)],
        ["Parts", refs(ev.parts)],
        ["Statements", refs(ev.statements)],
        ["IRI", h("code", {}, ev.iri)],
      ]),
      ev.description ? h("details", { class: "about" }, h("summary", {}, "Description"), h("p", {}, ev.description)) : null,
    );
    details().dataset.event = slug;
    details().focus({ preventScroll: true });
    for (const li of document.querySelectorAll("#timeline li")) li.classList.toggle("current", li.dataset.id === slug);
    for (const m of document.querySelectorAll("#map .event")) m.classList.toggle("current", m.dataset.id === slug);
  } catch (exc) {
    report(exc);
  }
}
