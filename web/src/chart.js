// The chart: events per month stacked by event class, and each month's reported
// fatalities as a bar from the lowest to the highest figure the sources give (a dot when
// they agree). Dragging over it (or the two month fields) picks a period, which filters
// the map and the timeline.
import { $, actions, h, s } from "./dom.js";
import { formatDate, monthBounds } from "./dates.js";
import { binMonths, brushMonths, PALETTE } from "./chartdata.js";
import { getLang, t } from "./i18n.js";
import { state } from "./state.js";

const M = { left: 34, right: 44, top: 12, bottom: 26 };
let bins = null;

export function drawChart(events) {
  bins = binMonths(events);
  const svg = $("#chart");
  const W = svg.clientWidth || 640;
  const H = svg.clientHeight || 220;
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  const lang = getLang();
  if (!bins.months.length) {
    svg.replaceChildren(s("text", { x: 12, y: 24 }, "—"));
    $("#chart-legend").replaceChildren();
    return;
  }
  const plotW = W - M.left - M.right;
  const plotH = H - M.top - M.bottom;
  const band = plotW / bins.months.length;
  const maxCount = Math.max(1, ...bins.rows.map((r) => r.total));
  const maxFatal = Math.max(1, ...bins.rows.map((r) => r.fatal?.max || 0));
  const y = (n) => M.top + plotH - (n / maxCount) * plotH;
  const yf = (n) => M.top + plotH - (n / maxFatal) * plotH;
  const parts = [];
  const [selFrom, selTo] = [state.from?.slice(0, 7), state.to?.slice(0, 7)];
  bins.rows.forEach((r, i) => {
    const x = M.left + i * band;
    const selected = selFrom && selTo && r.month >= selFrom && r.month <= selTo;
    const g = s("g", { class: `month${selected ? " selected" : ""}`, "data-month": r.month, "data-total": r.total, "data-x": x.toFixed(1), "data-band": band.toFixed(2) });
    if (selected) g.append(s("rect", { x, y: M.top, width: band, height: plotH, fill: "#fff4d6" }));
    let acc = 0;
    for (const cls of bins.classes) {
      const n = r.counts[cls] || 0;
      if (!n) continue;
      g.append(s("rect", { x: x + 0.5, y: y(acc + n), width: Math.max(band - 1, 1), height: y(acc) - y(acc + n), fill: PALETTE[cls] || "#999", "data-class": cls }));
      acc += n;
    }
    if (r.fatal) {
      const cx = x + band / 2;
      g.append(
        r.fatal.min === r.fatal.max
          ? s("circle", { class: "fatal", cx, cy: yf(r.fatal.max), r: 2.5, fill: "#1b1f24" })
          : s("line", { class: "fatal", x1: cx, x2: cx, y1: yf(r.fatal.min), y2: yf(r.fatal.max), stroke: "#1b1f24", "stroke-width": 2.5 }),
      );
    }
    const fatalText = r.fatal ? `; ${t("fatalities")}: ${r.fatal.min === r.fatal.max ? r.fatal.min : `${r.fatal.min}–${r.fatal.max}`}${r.fatal.contested ? " (contested)" : ""}` : "";
    g.append(s("title", {}, `${formatDate(`${r.month}-01`, lang, "month")}: ${r.total}${fatalText}`));
    parts.push(g);
    if (r.month.endsWith("-01") || i === 0) {
      parts.push(s("text", { x: x + 1, y: H - 8, class: "tick" }, r.month.slice(0, 4)));
      parts.push(s("line", { x1: x, x2: x, y1: M.top + plotH, y2: M.top + plotH + 4, stroke: "#7b8794" }));
    }
  });
  parts.push(
    s("line", { x1: M.left, x2: W - M.right, y1: M.top + plotH, y2: M.top + plotH, stroke: "#7b8794" }),
    s("text", { x: 4, y: M.top + 8, class: "tick" }, String(maxCount)),
    s("text", { x: W - 4, y: M.top + 8, class: "tick", "text-anchor": "end" }, String(maxFatal)),
  );
  const overlay = s("rect", { class: "brush-area", x: M.left, y: M.top, width: plotW, height: plotH, fill: "transparent" });
  const brush = s("rect", { class: "brush", x: 0, y: M.top, width: 0, height: plotH, fill: "rgba(194,65,12,0.18)", stroke: "#c2410c" });
  attachBrush(svg, overlay, brush, band);
  svg.replaceChildren(...parts, brush, overlay);
  svg.dataset.months = String(bins.months.length);
  $("#chart-legend").replaceChildren(
    ...bins.classes.map((c) => h("span", { style: `--c:${PALETTE[c]}`, dataset: { cls: c } }, c)),
    h("span", { class: "fatal-key" }, `▮ ${t("fatalities_range")}`),
    ...(bins.yearOnly ? [h("span", { class: "muted" }, t("year_only", { n: bins.yearOnly }))] : []),
  );
  $("#period-from").value = selFrom || "";
  $("#period-to").value = selTo || "";
}

function attachBrush(svg, overlay, brush, band) {
  let x0 = null;
  const local = (ev) => {
    const box = svg.getBoundingClientRect();
    const scale = (svg.viewBox.baseVal?.width || box.width) / box.width;
    return (ev.clientX - box.left) * scale;
  };
  overlay.addEventListener("pointerdown", (ev) => {
    x0 = local(ev);
    overlay.setPointerCapture(ev.pointerId);
  });
  overlay.addEventListener("pointermove", (ev) => {
    if (x0 === null) return;
    const x1 = local(ev);
    brush.setAttribute("x", Math.min(x0, x1));
    brush.setAttribute("width", Math.abs(x1 - x0));
  });
  overlay.addEventListener("pointerup", (ev) => {
    if (x0 === null) return;
    const picked = brushMonths(bins.months, x0 - M.left, local(ev) - M.left, band);
    x0 = null;
    brush.setAttribute("width", 0);
    if (picked) actions.navigate({ from: monthBounds(picked[0])[0], to: monthBounds(picked[1])[1] }, { push: true });
  });
}

export function initChartControls() {
  const apply = () => {
    const a = $("#period-from").value;
    const b = $("#period-to").value || a;
    if (!a) return;
    const [from, to] = a <= b ? [a, b] : [b, a];
    actions.navigate({ from: monthBounds(from)[0], to: monthBounds(to)[1] }, { push: true });
  };
  $("#period-from").addEventListener("change", apply);
  $("#period-to").addEventListener("change", apply);
  $("#clear-period").addEventListener("click", () => actions.navigate({ from: null, to: null }, { push: true }));
  $("#scope").addEventListener("change", (e) => actions.navigate({ scope: e.target.value }, { push: true }));
}
