import assert from "node:assert/strict";
import { test } from "node:test";
import { dateStr, dateToDay, dayToDate, formatDate, monthBounds, monthsBetween } from "../src/dates.js";

test("dateStr reads the API's date shapes", () => {
  assert.equal(dateStr("2024-09-17"), "2024-09-17");
  assert.equal(dateStr("2024-09-17T10:00:00Z"), "2024-09-17");
  assert.equal(dateStr({ year: 2019, month: 6, day: 1 }), "2019-06-01");
  assert.equal(dateStr(["2013-01-11"]), "2013-01-11");
  assert.equal(dateStr(""), null);
  assert.equal(dateStr("June"), null);
});

test("slider days round-trip", () => {
  assert.equal(dayToDate(0), "2010-01-01");
  for (const d of ["2019-06-01", "2024-10-01", "2024-02-29"]) assert.equal(dayToDate(dateToDay(d)), d);
});

test("months between two keys, across years", () => {
  assert.deepEqual(monthsBetween("2023-11", "2024-02"), ["2023-11", "2023-12", "2024-01", "2024-02"]);
  assert.deepEqual(monthsBetween("2024-05", "2024-05"), ["2024-05"]);
  assert.deepEqual(monthBounds("2024-02"), ["2024-02-01", "2024-02-29"]);
  assert.deepEqual(monthBounds("2023-12"), ["2023-12-01", "2023-12-31"]);
});

test("dates in words at their precision, in English and French", () => {
  assert.equal(formatDate("2024-09-17", "en"), "17 Sept 2024");
  assert.match(formatDate("2024-09-17", "fr"), /^17 sept\.? 2024$/);
  assert.equal(formatDate("2024-09-01", "en", "month"), "September 2024");
  assert.equal(formatDate("2024-09-01", "fr", "month"), "septembre 2024");
  assert.equal(formatDate("2016-01-01", "fr", "year"), "2016");
});
