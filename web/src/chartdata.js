// The chart's data: events per month, stacked by event class, and the reported fatalities
// of each month as a range (the lowest and the highest figure sources give, summed over the
// month's events; never one invented number). Pure (web/test/chartdata.test.mjs).
import { monthKey, monthsBetween } from "./dates.js";

// The class an event is stacked under: the first of these it has.
export const EVENT_CLASSES = [
  "Battle", "ViolenceAgainstCivilians", "ExplosionRemoteViolence", "Attack", "Coup", "CoupAttempt",
  "Deployment", "Withdrawal", "AllianceFormation", "TreatySigning", "PolicyMeasure",
  "ClaimOfResponsibility", "Condemnation", "Condolence", "Statement", "Event",
];

export const eventClass = (types) => EVENT_CLASSES.find((c) => (types || []).includes(c)) || "Event";

/** {months, classes, rows: [{month, counts: {cls: n}, total, fatal: {min, max, contested}}],
 * yearOnly} for dated events of day or month precision (year-only dates are counted apart:
 * a January bar would misplace them). */
export function binMonths(events) {
  const dated = events.filter((e) => e.date && e.datePrecision !== "year");
  const yearOnly = events.filter((e) => e.date && e.datePrecision === "year").length;
  if (!dated.length) return { months: [], classes: [], rows: [], yearOnly };
  const keys = dated.map((e) => monthKey(e.date)).sort();
  const months = monthsBetween(keys[0], keys.at(-1));
  const rows = new Map(months.map((m) => [m, { month: m, counts: {}, total: 0, fatal: null, events: [] }]));
  const classes = new Set();
  for (const e of dated) {
    const row = rows.get(monthKey(e.date));
    const cls = eventClass(e.types);
    classes.add(cls);
    row.counts[cls] = (row.counts[cls] || 0) + 1;
    row.total += 1;
    row.events.push(e.id);
    const f = e.fatalities;
    if (f && f.min !== null && f.min !== undefined) {
      const cur = row.fatal || { min: 0, max: 0, contested: false };
      row.fatal = { min: cur.min + f.min, max: cur.max + f.max, contested: cur.contested || f.contested };
    }
  }
  return {
    months,
    classes: EVENT_CLASSES.filter((c) => classes.has(c)),
    rows: months.map((m) => rows.get(m)),
    yearOnly,
  };
}

/** The months a brush covers, from two x positions over `n` equal bands of width `w`. */
export function brushMonths(months, x0, x1, band) {
  const [a, b] = [Math.min(x0, x1), Math.max(x0, x1)];
  const i0 = Math.max(0, Math.floor(a / band));
  const i1 = Math.min(months.length - 1, Math.floor(b / band));
  return i0 <= i1 ? [months[i0], months[i1]] : null;
}

// Colours of the event classes (stacks and map markers), distinguishable and dark enough
// for a white outline.
export const PALETTE = {
  Battle: "#b71c1c", ViolenceAgainstCivilians: "#6a1b9a", ExplosionRemoteViolence: "#e65100",
  Attack: "#f9a825", Coup: "#1a237e", CoupAttempt: "#3949ab", Deployment: "#2e7d32",
  Withdrawal: "#66bb6a", AllianceFormation: "#00838f", TreatySigning: "#4dd0e1",
  PolicyMeasure: "#8d6e63", ClaimOfResponsibility: "#ad1457", Condemnation: "#78909c",
  Condolence: "#b0bec5", Statement: "#90a4ae", Event: "#bdbdbd",
};
