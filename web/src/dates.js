// Dates as the API gives them ("YYYY-MM-DD", with a precision), for the slider, the chart
// and the labels. Pure functions: unit-tested by node's test runner (web/test/).

const DAY = 86_400_000;
export const FIRST_DAY = Date.UTC(2010, 0, 1); // the slider's 0

/** A date-ish value as "YYYY-MM-DD" (strings, {year, month, day}, lists), else null. */
export function dateStr(v) {
  if (v === null || v === undefined || v === "") return null;
  if (Array.isArray(v)) return dateStr(v[0]);
  if (typeof v === "object") {
    if (v.year !== undefined) {
      const p = (n) => String(n).padStart(2, "0");
      return `${v.year}-${p(v.month ?? 1)}-${p(v.day ?? 1)}`;
    }
    if (v.value !== undefined) return dateStr(v.value);
    return null;
  }
  const m = String(v).match(/^-?\d{4}-\d{2}-\d{2}/);
  return m ? m[0] : null;
}

export const dayToDate = (n) => new Date(FIRST_DAY + n * DAY).toISOString().slice(0, 10);
export const dateToDay = (s) => Math.round((Date.parse(`${s}T00:00:00Z`) - FIRST_DAY) / DAY);
export const today = () => new Date().toISOString().slice(0, 10);

/** "2024-09-17" -> "2024-09". */
export const monthKey = (d) => String(d).slice(0, 7);

/** Every month key from `a` to `b` inclusive ("2023-11", "2024-02" -> 4 keys). */
export function monthsBetween(a, b) {
  let [y, m] = a.split("-").map(Number);
  const [y1, m1] = b.split("-").map(Number);
  const out = [];
  while (y < y1 || (y === y1 && m <= m1)) {
    out.push(`${y}-${String(m).padStart(2, "0")}`);
    m += 1;
    if (m > 12) {
      m = 1;
      y += 1;
    }
  }
  return out;
}

/** The first and last day of a month key. */
export function monthBounds(key) {
  const [y, m] = key.split("-").map(Number);
  const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return [`${key}-01`, `${key}-${String(last).padStart(2, "0")}`];
}

/** A date in words, at its precision: "17 Sep 2024", "September 2024", "2024" (en or fr). */
export function formatDate(d, lang = "en", precision = "day") {
  const s = dateStr(d);
  if (!s) return "";
  const date = new Date(`${s}T00:00:00Z`);
  const opts = { timeZone: "UTC" };
  if (precision === "year") return s.slice(0, 4);
  if (precision === "month") Object.assign(opts, { year: "numeric", month: "long" });
  else Object.assign(opts, { year: "numeric", month: "short", day: "numeric" });
  return new Intl.DateTimeFormat(lang === "fr" ? "fr-FR" : "en-GB", opts).format(date);
}
