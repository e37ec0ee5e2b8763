// Sources as the API gives them (IRIs or objects); IRIs are looked up once, together,
// through the read-only /cypher endpoint and cached.
import { api, slugOf } from "./api.js";
import { h } from "./dom.js";
import { dateStr } from "./dates.js";
import { t } from "./i18n.js";
import { httpUrl } from "./urls.js";

const cache = new Map();
const KG = "https://w3id.org/sahel-kg/id/";
const first = (...vals) => vals.find((v) => v !== undefined && v !== null && v !== "");

export function normaliseSource(s) {
  const p = { ...(s?.properties || {}), ...s };
  return {
    iri: first(p.iri, p.id),
    title: first(p.title, p.label, p.name),
    publisher: first(p.publisher),
    published: dateStr(first(p.published, p.date)),
    url: first(p.url, p["url^^xsd:anyURI"]),
  };
}

export async function resolveSources(list) {
  const out = [];
  const missing = [];
  for (const s of list || []) {
    if (s && typeof s === "object") {
      const obj = normaliseSource(s);
      out.push(obj);
      if (obj.iri) cache.set(obj.iri, { ...cache.get(obj.iri), ...obj });
    } else if (s) {
      const iri = String(s).startsWith("http") ? String(s) : `${KG}${slugOf(s)}`;
      out.push({ iri });
      if (!cache.get(iri)?.title && !missing.includes(iri)) missing.push(iri);
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
        const r = Object.fromEntries(res.columns.map((c, i) => [c, row[i]]));
        cache.set(r.iri, normaliseSource({ ...r, url: first(r.url, r.plainUrl) }));
      }
    } catch {
      /* the IRIs alone are still shown */
    }
  }
  return out.map((s) => ({ ...s, ...(cache.get(s.iri) || {}) }));
}

/** Sources of many resources at once (for the export): {iri: [source iri, …]}. */
export async function sourcesOf(iris) {
  if (!iris.length) return {};
  const res = await api.cypher(
    "MATCH (n:Resource)-[:SOURCE]->(s:Resource) WHERE n.iri IN $iris RETURN n.iri AS iri, collect(s.iri) AS sources",
    { iris },
  );
  return Object.fromEntries((res.rows || []).map(([iri, srcs]) => [iri, [...srcs].sort()]));
}

export function sourceItem(s) {
  const title = s.title || slugOf(s.iri);
  return h(
    "li",
    { class: "source", dataset: { iri: s.iri || "" } },
    httpUrl(s.url) ? h("a", { href: httpUrl(s.url), target: "_blank", rel: "noopener noreferrer" }, title) : title,
    s.publisher || s.published ? h("span", { class: "muted" }, ` — ${[s.publisher, s.published].filter(Boolean).join(", ")}`) : null,
  );
}

export async function sourcesBlock(list, heading = t("sources")) {
  const srcs = await resolveSources(list);
  if (!srcs.length) return h("p", { class: "muted" }, t("no_source"));
  return h("div", {}, h("h3", {}, `${heading} (${srcs.length})`), h("ul", { class: "sources" }, srcs.map(sourceItem)));
}
