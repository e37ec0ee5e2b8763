// French and English for the interface (the data brings its own @fr/@en labels). The
// language follows the browser and can be switched; the choice is remembered.
// pickLang and t are pure (web/test/i18n.test.mjs).

const EN = {
  search_placeholder: "Search actors, places, events: JNIM, Bamako, September 2024…",
  search: "Search",
  actors: "Actors",
  places: "Places",
  events: "Events",
  no_match: "Nothing matches “{q}”.",
  searching: "Searching “{q}”…",
  network: "Network",
  network_of: "of {name}",
  hops: "Hops",
  as_of: "As of",
  all_dates: "all dates",
  nodes_relations: "{n} nodes, {m} relations",
  filters: "Show",
  collapse_leaves: "Collapse leaves",
  more: "+{n} more",
  map: "Map",
  chart: "Events per month",
  timeline: "Timeline",
  details: "Details",
  console: "Query console",
  read_only: "(read-only)",
  run: "Run",
  scope_actor: "Selected actor",
  scope_all: "Whole graph",
  period: "Period",
  clear_period: "Whole period",
  export_view: "Export this view",
  relations_on: "Relations on {at}",
  relations: "Relations",
  sources: "Sources",
  no_source: "No source recorded.",
  valid_from: "Valid from",
  valid_to: "Valid to",
  unknown: "unknown",
  still_holds: "still holds",
  ontology_term: "Ontology term",
  qualified_nodes: "Stated by",
  centre_here: "Centre the network here",
  claims: "Claims",
  figure: "Figure",
  according_to: "According to",
  source: "Source",
  contested: "contested: {n} figures",
  no_figures: "No figures recorded.",
  events_here: "Events here",
  date: "Date",
  where: "Where",
  perpetrators: "Perpetrators",
  claimed_by: "Claimed by",
  fatalities: "Reported fatalities",
  fatalities_range: "reported fatalities: lowest to highest figure of the sources",
  not_on_map: "Not on this map: {list}",
  no_point: "no coordinates: {list}",
  placed_at: "placed at {place} ({precision})",
  precision: "Location precision",
  year_only: "{n} event(s) dated only to the year are not in the chart.",
  lang: "Français",
  nothing_connected: "Nothing connected to this actor on that date.",
  large_network: "Large network: cut at {n} relations; try fewer hops.",
  rows: "{n} row(s)",
  refused: "refused (HTTP {s})",
  example_for: "Example: {q}",
};

const FR = {
  search_placeholder: "Chercher acteurs, lieux, événements : JNIM, Bamako, septembre 2024…",
  search: "Chercher",
  actors: "Acteurs",
  places: "Lieux",
  events: "Événements",
  no_match: "Rien ne correspond à « {q} ».",
  searching: "Recherche de « {q} »…",
  network: "Réseau",
  network_of: "de {name}",
  hops: "Sauts",
  as_of: "À la date du",
  all_dates: "toutes dates",
  nodes_relations: "{n} nœuds, {m} relations",
  filters: "Afficher",
  collapse_leaves: "Replier les feuilles",
  more: "+{n} de plus",
  map: "Carte",
  chart: "Événements par mois",
  timeline: "Chronologie",
  details: "Détails",
  console: "Console de requêtes",
  read_only: "(lecture seule)",
  run: "Exécuter",
  scope_actor: "Acteur choisi",
  scope_all: "Tout le graphe",
  period: "Période",
  clear_period: "Toute la période",
  export_view: "Exporter cette vue",
  relations_on: "Relations au {at}",
  relations: "Relations",
  sources: "Sources",
  no_source: "Aucune source enregistrée.",
  valid_from: "Valide depuis",
  valid_to: "Valide jusqu'au",
  unknown: "inconnu",
  still_holds: "toujours en vigueur",
  ontology_term: "Terme de l'ontologie",
  qualified_nodes: "Énoncé par",
  centre_here: "Centrer le réseau ici",
  claims: "Affirmations",
  figure: "Chiffre",
  according_to: "Selon",
  source: "Source",
  contested: "contesté : {n} chiffres",
  no_figures: "Aucun chiffre enregistré.",
  events_here: "Événements ici",
  date: "Date",
  where: "Lieu",
  perpetrators: "Auteurs",
  claimed_by: "Revendiqué par",
  fatalities: "Morts rapportés",
  fatalities_range: "morts rapportés : du plus bas au plus haut chiffre des sources",
  not_on_map: "Hors de cette carte : {list}",
  no_point: "sans coordonnées : {list}",
  placed_at: "placé à {place} ({precision})",
  precision: "Précision du lieu",
  year_only: "{n} événement(s) datés seulement de l'année ne sont pas dans le graphique.",
  lang: "English",
  nothing_connected: "Rien de relié à cet acteur à cette date.",
  large_network: "Grand réseau : coupé à {n} relations ; essayez moins de sauts.",
  rows: "{n} ligne(s)",
  refused: "refusé (HTTP {s})",
  example_for: "Exemple : {q}",
};

export const DICTS = { en: EN, fr: FR };
let current = "en";

/** "fr" when the stored choice or the browser's first known language is French. */
export function pickLang(browserLangs = [], stored = null) {
  if (stored === "fr" || stored === "en") return stored;
  for (const l of browserLangs) {
    const base = String(l).slice(0, 2).toLowerCase();
    if (base === "fr" || base === "en") return base;
  }
  return "en";
}

export function t(key, vars = {}, lang = current) {
  const text = DICTS[lang]?.[key] ?? EN[key] ?? key;
  return text.replace(/\{(\w+)\}/g, (_, k) => (vars[k] === undefined ? `{${k}}` : String(vars[k])));
}

export const getLang = () => current;

export function setLang(lang, { remember = false } = {}) {
  current = lang === "fr" ? "fr" : "en";
  if (remember) {
    try {
      localStorage.setItem("sahelkg.lang", current);
    } catch {
      /* private mode: the choice lasts for the page */
    }
  }
  if (typeof document !== "undefined") {
    document.documentElement.lang = current;
    applyStatic(document);
  }
}

export function storedLang() {
  try {
    return localStorage.getItem("sahelkg.lang");
  } catch {
    return null;
  }
}

/** Texts of the page marked data-i18n (text), data-i18n-placeholder, data-i18n-label (aria). */
export function applyStatic(root) {
  for (const el of root.querySelectorAll("[data-i18n]")) el.textContent = t(el.dataset.i18n);
  for (const el of root.querySelectorAll("[data-i18n-placeholder]")) el.placeholder = t(el.dataset.i18nPlaceholder);
  for (const el of root.querySelectorAll("[data-i18n-label]")) el.setAttribute("aria-label", t(el.dataset.i18nLabel));
}
