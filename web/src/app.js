// The explorer's entry: wires the views together and keeps the state in the URL hash, so a
// deep link pasted into an open tab, the Back and Forward buttons and a reload all show the
// same view (hashchange and popstate both apply the hash; applying it twice changes nothing).
import { api, slugOf } from "./api.js";
import { $, actions, report } from "./dom.js";
import { dateToDay, dayToDate, today } from "./dates.js";
import { drawChart, initChartControls } from "./chart.js";
import { initConsole, loadExamples } from "./console.js";
import { showActorPanel, showPlace, showRelation } from "./details.js";
import { showEvent } from "./event.js";
import { initExport } from "./export.js";
import { getLang, pickLang, setLang, storedLang, t } from "./i18n.js";
import { drawMap } from "./map.js";
import { drawGraph, getCy, initNetworkKeys, loadGraph } from "./network.js";
import { markCurrent, search } from "./search.js";
import { changedKeys, DEFAULTS, formatHash, parseHash, state } from "./state.js";
import { drawAxis, loadTimeline, renderTimeline } from "./timeline.js";

const snapshot = () => Object.fromEntries(Object.keys(DEFAULTS).map((k) => [k, state[k]]));

function navigate(patch, { push = true, load = true } = {}) {
  const prev = snapshot();
  Object.assign(state, patch);
  const hash = formatHash(state);
  if (hash !== location.hash) {
    const url = hash || location.pathname + location.search;
    if (push) history.pushState(null, "", url);
    else history.replaceState(null, "", url);
  }
  if (load) return apply(prev);
  return Promise.resolve();
}

let eventsSeq = 0;
async function loadEvents() {
  const seq = ++eventsSeq;
  const actor = state.scope === "all" ? null : state.actor;
  const to = state.at && state.to ? (state.at < state.to ? state.at : state.to) : state.at || state.to;
  try {
    const [all, shown] = await Promise.all([api.mapEvents({ actor }), api.mapEvents({ actor, from: state.from, to })]);
    if (seq !== eventsSeq) return;
    state.places = shown.places;
    drawChart(all.events);
    drawMap(shown.events, shown.places);
    document.body.dataset.mapReady = String(seq);
  } catch (exc) {
    report(exc);
  }
}

function reflectControls() {
  const slider = $("#date-slider");
  $("#use-date").checked = Boolean(state.at);
  if (state.at) {
    slider.value = String(dateToDay(state.at));
    $("#date-input").value = state.at;
  }
  $("#date-output").textContent = state.at || t("all_dates");
  slider.setAttribute("aria-valuetext", state.at || t("all_dates"));
  $("#hops").value = String(state.hops);
  $("#scope").value = state.scope;
  const name = state.actorLabel || state.actor || "";
  $("#graph-centre").textContent = name ? t("network_of", { name }) : "";
  $("#timeline-actor").textContent = name ? t("network_of", { name }) : "";
  $("#period-label").textContent = state.from ? `${state.from} – ${state.to}` : "";
}

async function apply(prev, { force = false } = {}) {
  const changed = new Set(force ? Object.keys(DEFAULTS) : changedKeys(prev, state));
  if (!changed.size) return;
  reflectControls();
  const jobs = [];
  if (changed.has("actor") && state.actor) {
    $("#graph-empty").hidden = true;
    getCy()?.elements().remove();
    markCurrent(state.actor);
    if (!state.event) jobs.push(showActorPanel(state.actor, state.actorLabel));
    jobs.push(
      api.actor(state.actor).then((a) => {
        state.actorLabel = a.label;
        reflectControls();
      }, () => {}),
    );
  }
  if (state.actor && ["actor", "hops", "at"].some((k) => changed.has(k))) jobs.push(loadGraph());
  else if (["hide", "hiderel", "leaves"].some((k) => changed.has(k)) && state.graph.nodes.length) drawGraph();
  if (changed.has("at") && !changed.has("actor") && state.selected === state.actor && state.actor) jobs.push(showActorPanel(state.actor));
  if (["actor", "from", "to"].some((k) => changed.has(k))) jobs.push(loadTimeline());
  else if (changed.has("at")) {
    renderTimeline();
    drawAxis();
  }
  if (["actor", "at", "from", "to", "scope"].some((k) => changed.has(k))) jobs.push(loadEvents());
  if (changed.has("actor") || changed.has("at")) jobs.push(loadExamples());
  if (changed.has("event") && state.event && state.selected !== state.event) jobs.push(showEvent(state.event));
  await Promise.all(jobs);
}

actions.navigate = navigate;
actions.showEvent = showEvent;
actions.showPlace = showPlace;
actions.showRelation = showRelation;
actions.showActorPanel = showActorPanel;
actions.openActor = (id, label) => {
  const slug = slugOf(id);
  state.selected = slug;
  if (slug === state.actor) {
    // Asked again (a search, a link): show it again, without a new history entry.
    return Promise.all([loadGraph(), showActorPanel(slug, state.actorLabel), navigate({ event: null }, { push: false })]);
  }
  state.actorLabel = label || slug;
  return navigate({ actor: slug, event: null }, { push: true });
};

function initSlider() {
  const slider = $("#date-slider");
  const max = dateToDay(today());
  slider.max = String(max);
  slider.value = String(max);
  $("#date-input").max = today();
  // Moving the slider replaces the history entry; letting go of it adds one (Back returns).
  slider.addEventListener("input", () => navigate({ at: dayToDate(Number(slider.value)) }, { push: false }));
  slider.addEventListener("change", () => history.pushState(null, "", formatHash(state) || location.pathname));
  $("#date-input").addEventListener("change", (e) => e.target.value && navigate({ at: e.target.value }));
  $("#use-date").addEventListener("change", (e) => navigate({ at: e.target.checked ? dayToDate(Number(slider.value)) : null }));
  slider.addEventListener("keydown", (e) => {
    const step = { PageUp: 365, PageDown: -365 }[e.key];
    if (!step) return;
    e.preventDefault();
    const v = Math.min(Math.max(Number(slider.value) + step, 0), max);
    slider.value = String(v);
    navigate({ at: dayToDate(v) }, { push: false });
  });
}

function onHash() {
  const prev = snapshot();
  Object.assign(state, parseHash(location.hash));
  if (!state.actor) state.actorLabel = "";
  apply(prev);
}

function switchLang() {
  setLang(getLang() === "fr" ? "en" : "fr", { remember: true });
  $("#lang-switch").textContent = t("lang");
  reflectControls();
  if (state.graph.nodes.length) drawGraph();
  renderTimeline();
  loadEvents();
  if (state.event) showEvent(state.event);
  else if (state.actor) showActorPanel(state.actor);
}

async function start() {
  setLang(pickLang(navigator.languages || [navigator.language], storedLang()));
  $("#lang-switch").textContent = t("lang");
  $("#lang-switch").addEventListener("click", switchLang);
  initSlider();
  initConsole();
  initNetworkKeys();
  initChartControls();
  initExport();
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
  $("#hops").addEventListener("change", (e) => navigate({ hops: Number(e.target.value) }));
  addEventListener("hashchange", onHash);
  addEventListener("popstate", onHash);
  addEventListener("resize", () => drawAxis());
  Object.assign(state, parseHash(location.hash));
  if (state.actor) $("#search-input").value = state.actor;
  else $("#search-input").focus();
  await apply(snapshot(), { force: true });
  document.body.dataset.ready = "true";
}

start();
