import assert from "node:assert/strict";
import { test } from "node:test";
import { binMonths, brushMonths, eventClass } from "../src/chartdata.js";

const ev = (id, date, types, fatalities = null, datePrecision = "day") => ({ id, date, types, fatalities, datePrecision });

test("events per month, stacked by class, with empty months in between", () => {
  const b = binMonths([
    ev("a", "2024-07-25", ["Battle"], { min: 2, max: 84, contested: true }),
    ev("b", "2024-09-17", ["Battle"], { min: 50, max: 100, contested: true }),
    ev("c", "2024-09-17", ["Attack", "Event"]),
    ev("d", "2024-09-01", ["Statement", "Condemnation"], null, "month"),
    ev("e", "2016-01-01", ["Event"], null, "year"),
  ]);
  assert.deepEqual(b.months, ["2024-07", "2024-08", "2024-09"]);
  assert.equal(b.yearOnly, 1);
  const sep = b.rows[2];
  assert.equal(sep.total, 3);
  assert.deepEqual(sep.counts, { Battle: 1, Attack: 1, Condemnation: 1 });
  assert.deepEqual(b.rows[1].counts, {});
  assert.deepEqual(b.classes, ["Battle", "Attack", "Condemnation"]);
});

test("fatalities stay a range, summed over the month's events", () => {
  const b = binMonths([
    ev("a", "2024-09-17", ["Battle"], { min: 50, max: 100, contested: true }),
    ev("b", "2024-09-20", ["Attack"], { min: 3, max: 3, contested: false }),
    ev("c", "2024-09-21", ["Attack"], { min: null, max: null, claims: 1, contested: true }),
  ]);
  assert.deepEqual(b.rows[0].fatal, { min: 53, max: 103, contested: true });
});

test("the stacked class is the most specific one", () => {
  assert.equal(eventClass(["Event", "ViolenceAgainstCivilians", "Battle"]), "Battle");
  assert.equal(eventClass(["Event"]), "Event");
  assert.equal(eventClass([]), "Event");
});

test("a brush covers the months under it, in either direction", () => {
  const months = ["2023-11", "2023-12", "2024-01", "2024-02"];
  assert.deepEqual(brushMonths(months, 25, 5, 10), ["2023-11", "2024-01"]);
  assert.deepEqual(brushMonths(months, 31, 39, 10), ["2024-02", "2024-02"]);
  assert.deepEqual(brushMonths(months, -5, 100, 10), ["2023-11", "2024-02"]);
});
