// Small DOM helpers shared by the views, and `actions`: what a view may ask of the page
// (open an actor, an event, a place; navigate), filled in by main.js so views import no
// other view. Every text goes in as a text node: nothing the API returns is parsed as HTML.
import { ApiError } from "./api.js";

export const $ = (sel) => document.querySelector(sel);

export const actions = {};

export function h(tag, attrs = {}, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === "class") el.className = v;
    else if (k === "text") el.textContent = v;
    else if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(el.dataset, v);
    else el.setAttribute(k, v === true ? "" : v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

const SVG_NS = "http://www.w3.org/2000/svg";
export function s(tag, attrs = {}, ...children) {
  const el = document.createElementNS(SVG_NS, tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) el.addEventListener(k.slice(2), v);
    else el.setAttribute(k, v);
  }
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return el;
}

export function setStatus(message, isError = false) {
  const el = $("#status");
  el.textContent = message || "";
  el.classList.toggle("error", Boolean(isError));
}

export function report(exc) {
  const msg = exc instanceof ApiError ? exc.message : `unexpected error: ${exc?.message || exc}`;
  setStatus(msg, true);
  console.error(exc);
}

export function download(name, text, type) {
  const blob = text instanceof Blob ? text : new Blob([text], { type });
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
