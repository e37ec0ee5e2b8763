// The explorer's state and its mirror in the URL hash
// (#actor=mali&hops=2&at=2019-06-01&event=…&from=2024-01-01&to=2024-12-31&hide=Person&hiderel=LED_BY&leaves=1&scope=actor).
// parseHash/formatHash are pure (web/test/state.test.mjs).
import { dateStr } from "./dates.js";

export const DEFAULTS = Object.freeze({
  actor: null,
  hops: 1,
  at: null,
  event: null,
  from: null,
  to: null,
  hide: [],
  hiderel: [],
  leaves: false,
  scope: "actor",
});

const list = (s) => (s ? s.split(",").filter((x) => /^[A-Za-z_]+$/.test(x)) : []);

export function parseHash(hash) {
  const p = new URLSearchParams(String(hash || "").replace(/^#/, ""));
  const hops = Number(p.get("hops"));
  const slug = (v) => (v && /^[A-Za-z0-9][A-Za-z0-9._~-]*$/.test(v) ? v : null);
  return {
    actor: slug(p.get("actor")),
    hops: hops >= 1 && hops <= 3 ? hops : 1,
    at: dateStr(p.get("at")),
    event: slug(p.get("event")),
    from: dateStr(p.get("from")),
    to: dateStr(p.get("to")),
    hide: list(p.get("hide")),
    hiderel: list(p.get("hiderel")),
    leaves: p.get("leaves") === "1",
    scope: p.get("scope") === "all" ? "all" : "actor",
  };
}

export function formatHash(s) {
  const p = new URLSearchParams();
  if (s.actor) p.set("actor", s.actor);
  if (s.hops && s.hops !== 1) p.set("hops", String(s.hops));
  if (s.at) p.set("at", s.at);
  if (s.event) p.set("event", s.event);
  if (s.from) p.set("from", s.from);
  if (s.to) p.set("to", s.to);
  if (s.hide?.length) p.set("hide", [...s.hide].sort().join(","));
  if (s.hiderel?.length) p.set("hiderel", [...s.hiderel].sort().join(","));
  if (s.leaves) p.set("leaves", "1");
  if (s.scope === "all") p.set("scope", "all");
  const text = p.toString();
  return text ? `#${text}` : "";
}

/** The keys whose values differ between two states (arrays compared by content). */
export function changedKeys(a, b) {
  return Object.keys(DEFAULTS).filter((k) => JSON.stringify(a[k] ?? null) !== JSON.stringify(b[k] ?? null));
}

export const state = {
  ...DEFAULTS,
  actorLabel: "",
  graph: { nodes: [], edges: [] },
  view: { nodes: [], edges: [] },
  selected: null,
};
