// One search box for actors, places and events (GET /search), results grouped by kind.
// Enter opens the best actor (an exact name or alias first), else the first place or event.
import { api } from "./api.js";
import { $, actions, h, report, setStatus } from "./dom.js";
import { formatDate } from "./dates.js";
import { getLang, t } from "./i18n.js";
import { state } from "./state.js";

const GROUPS = [
  ["Actor", "actors"],
  ["Place", "places"],
  ["Event", "events"],
];
const norm = (x) => String(x).normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();

function open(hit) {
  if (hit.kind === "Actor") return actions.openActor(hit.id, hit.label);
  if (hit.kind === "Place") return actions.showPlace(hit.id, hit.label);
  return actions.showEvent(hit.id);
}

export async function search(q) {
  q = q.trim();
  const box = $("#search-results");
  if (!q) {
    box.hidden = true;
    return;
  }
  setStatus(t("searching", { q }));
  try {
    const found = await api.search(q);
    const lang = getLang();
    const all = GROUPS.flatMap(([k]) => found.groups[k] || []);
    box.replaceChildren(
      ...GROUPS.filter(([k]) => found.groups[k]?.length).map(([k, title]) =>
        h(
          "section",
          { class: "result-group", dataset: { kind: k } },
          h("h2", {}, t(title)),
          h(
            "ul",
            {},
            found.groups[k].map((x) =>
              h(
                "li",
                {},
                h(
                  "button",
                  { type: "button", class: "result", dataset: { id: x.id, kind: k }, "aria-current": k === "Actor" && x.id === state.actor ? "true" : null, onclick: () => open(x) },
                  x.label,
                  " ",
                  h("small", {}, x.date ? formatDate(x.date, lang) : x.types[0] || ""),
                ),
              ),
            ),
          ),
        ),
      ),
    );
    box.hidden = all.length === 0;
    const actorsFound = found.groups.Actor || [];
    const exact = actorsFound.find((a) => norm(a.label) === norm(q) || norm(a.id) === norm(q));
    const best = exact || actorsFound[0] || all[0];
    setStatus(all.length ? "" : t("no_match", { q }));
    if (best) await open(best);
  } catch (exc) {
    report(exc);
  }
}

export function markCurrent(slug) {
  for (const b of document.querySelectorAll('#search-results button[data-kind="Actor"]')) {
    b.setAttribute("aria-current", b.dataset.id === slug ? "true" : "false");
  }
}
