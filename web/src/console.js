// The read-only query console. Its example queries come from the API (GET /asof/queries):
// "who was the selected actor's partner on the 'as of' day?" in Cypher and SPARQL, written
// by graph/asof.py, so the console asks exactly what the network and REST answer.
import { api, ApiError, KG } from "./api.js";
import { $, actions, h } from "./dom.js";
import { t } from "./i18n.js";
import { state } from "./state.js";

const drafts = { cypher: "", sparql: "" };
const edited = { cypher: false, sparql: false };
let lang = "cypher";
let exampleKey = "";

/** Load the example for the actor and day (Mali on 2019-06-01 when none is chosen),
 * unless the user has written their own query. */
export async function loadExamples() {
  const actor = state.actor || "mali";
  const at = state.at || "2019-06-01";
  const key = `${actor}|${at}`;
  if (key === exampleKey) return;
  exampleKey = key;
  try {
    const ex = await api.asofQueries(actor, at);
    for (const l of ["cypher", "sparql"]) if (!edited[l]) drafts[l] = ex[l];
    if (!edited[lang]) $("#query").value = drafts[lang];
    $("#query-example").textContent = t("example_for", { q: `${ex.rest}` });
    $("#query-example").title = ex.rule;
  } catch {
    exampleKey = ""; // an actor without such relations: keep the last example
  }
}

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

async function openResource(id) {
  try {
    const a = await api.actor(id);
    await actions.openActor(id, a.label);
  } catch (exc) {
    if (exc instanceof ApiError && exc.status === 404) actions.showEvent(id);
  }
}

const table = (columns, rows) =>
  h(
    "table",
    {},
    h("thead", {}, h("tr", {}, columns.map((c) => h("th", { scope: "col" }, c)))),
    h("tbody", {}, rows.map((r) => h("tr", {}, r.map((v) => h("td", {}, cell(v)))))),
  );

async function runQuery() {
  const q = $("#query").value.trim();
  const out = $("#query-results");
  const status = $("#query-status");
  if (!q) return;
  status.textContent = "…";
  const t0 = performance.now();
  try {
    if (lang === "cypher") {
      const res = await api.cypher(q);
      out.replaceChildren(table(res.columns, res.rows));
      status.textContent = `${t("rows", { n: res.rows.length })}${res.truncated ? " (truncated)" : ""} in ${Math.round(performance.now() - t0)} ms`;
    } else {
      const res = await api.sparql(q);
      if (typeof res === "string") out.replaceChildren(h("pre", {}, res));
      else if (typeof res?.boolean === "boolean") out.replaceChildren(h("p", {}, `ASK: ${res.boolean}`));
      else {
        const vars = res?.head?.vars || [];
        const rows = (res?.results?.bindings || []).map((b) => vars.map((v) => b[v]?.value ?? null));
        out.replaceChildren(table(vars, rows));
        status.textContent = `${t("rows", { n: rows.length })} in ${Math.round(performance.now() - t0)} ms`;
      }
    }
  } catch (exc) {
    out.replaceChildren(h("div", { class: "error-box", role: "alert" }, exc.message || String(exc)));
    status.textContent = exc instanceof ApiError && exc.status ? t("refused", { s: exc.status }) : "failed";
  }
}

export function initConsole() {
  const ta = $("#query");
  ta.addEventListener("input", () => {
    edited[lang] = true;
  });
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
