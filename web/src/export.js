// "Export this view": the network, map or chart as PNG or SVG as shown, and the network's
// nodes and relations on screen as CSV or GraphML, with their sources and the "as of" day.
import { $, download, setStatus } from "./dom.js";
import { networkSVG, toCSV, toGraphML } from "./exportdata.js";
import { getLang } from "./i18n.js";
import { relationWords } from "./labels.js";
import { getCy } from "./network.js";
import { sourcesOf } from "./sources.js";
import { state } from "./state.js";
import { CLASSES } from "./style.js";

const stamp = () => `${state.actor || "sahel-kg"}${state.at ? `-as-of-${state.at}` : ""}`;
const COLOURS = Object.fromEntries(CLASSES.map(([k, c]) => [k, c]));

function networkPositions() {
  const cy = getCy();
  return Object.fromEntries((cy ? cy.nodes() : []).map((n) => [n.id(), n.position()]));
}

function svgText(which) {
  if (which === "network") {
    return networkSVG(state.view, networkPositions(), {
      at: state.at,
      colours: COLOURS,
      words: (type) => relationWords(type, getLang()),
      title: `Network of ${state.actorLabel || state.actor}`,
    });
  }
  const el = $(which === "map" ? "#map" : "#chart").cloneNode(true);
  el.setAttribute("xmlns", "http://www.w3.org/2000/svg");
  const box = $(which === "map" ? "#map" : "#chart").getBoundingClientRect();
  el.setAttribute("width", String(Math.round(box.width)));
  el.setAttribute("height", String(Math.round(box.height)));
  el.insertBefore(
    Object.assign(document.createElementNS("http://www.w3.org/2000/svg", "title"), {
      textContent: `${which}${state.at ? ` as of ${state.at}` : ""}${state.from ? ` ${state.from} to ${state.to}` : ""}`,
    }),
    el.firstChild,
  );
  el.querySelector(".brush-area")?.remove();
  return new XMLSerializer().serializeToString(el);
}

async function pngOf(which) {
  if (which === "network") {
    const cy = getCy();
    return cy.png({ output: "blob", bg: "#ffffff", full: true, scale: 2 });
  }
  const svg = svgText(which);
  const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
  try {
    const img = new Image();
    await new Promise((ok, fail) => {
      img.onload = ok;
      img.onerror = fail;
      img.src = url;
    });
    const canvas = document.createElement("canvas");
    canvas.width = img.width * 2;
    canvas.height = img.height * 2;
    const ctx = canvas.getContext("2d");
    ctx.scale(2, 2);
    ctx.drawImage(img, 0, 0);
    return await new Promise((ok) => canvas.toBlob(ok, "image/png"));
  } finally {
    URL.revokeObjectURL(url);
  }
}

export async function exportView(which, format) {
  try {
    if (format === "svg") return download(`${stamp()}-${which}.svg`, svgText(which), "image/svg+xml");
    if (format === "png") return download(`${stamp()}-${which}.png`, await pngOf(which), "image/png");
    const nodeSources = await sourcesOf(state.view.nodes.map((n) => n.iri));
    if (format === "csv") return download(`${stamp()}-network.csv`, toCSV(state.view, { at: state.at, nodeSources }), "text/csv");
    return download(`${stamp()}-network.graphml`, toGraphML(state.view, { at: state.at, nodeSources }), "application/xml");
  } catch (exc) {
    setStatus(`export failed: ${exc.message || exc}`, true);
  }
}

export function initExport() {
  for (const b of document.querySelectorAll("button[data-export]")) {
    b.addEventListener("click", () => {
      const [which, format] = b.dataset.export.split(":");
      exportView(which, format);
    });
  }
}
