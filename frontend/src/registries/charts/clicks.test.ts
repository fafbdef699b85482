import { describe, expect, it } from "vitest";
import { bucketLabel, clickedValues } from "./clicks";
import type { ReportData } from "./types";

function result(partial: Partial<ReportData>): ReportData {
  return { columns: [], rows: [], labels: {}, option: {}, truncated: false, cached: false, ...partial };
}

const byMonthAndOwner = result({
  columns: [
    { key: "signed_on", label: "Signed", role: "dimension", kind: "date", bucket: "month" },
    { key: "owner_id", label: "Owner", role: "dimension", kind: "user", bucket: null },
    { key: "amount", label: "Amount", role: "measure", kind: "number", bucket: null },
  ],
  rows: [
    { signed_on: "2024-01-01", owner_id: 7, amount: 10 },
    { signed_on: "2024-02-01", owner_id: 7, amount: 20 },
    { signed_on: "2024-02-01", owner_id: 9, amount: 5 },
  ],
  labels: { owner_id: { "7": "Alice Li", "9": "Bob Li" } },
});

describe("a click names the dimension values under it", () => {
  it("names buckets as the server does", () => {
    expect(bucketLabel("2024-03-01", "month", true)).toBe("2024-03");
    expect(bucketLabel("2024-04-01", "quarter", true)).toBe("2024-Q2");
    expect(bucketLabel("2024-01-01", "year", false)).toBe("2024");
    expect(bucketLabel("2024-03-04", "week", false)).toBe("2024-W10");
    expect(bucketLabel(1, "day_of_week", false)).toBe("Mon");
    expect(bucketLabel(9, "hour", true)).toBe("09:00");
    expect(bucketLabel(null, "month", false)).toBe("(blank)");
  });

  it("a bar of a series split by a second dimension gives both raw values", () => {
    const click = clickedValues(byMonthAndOwner, { componentType: "series", seriesType: "bar", name: "2024-02", seriesName: "Bob Li" });
    expect(click?.values).toEqual({ signed_on: "2024-02-01", owner_id: 9 });
  });

  it("a slice gives the first dimension's raw value (a person's id, not their name)", () => {
    const one = result({ ...byMonthAndOwner, columns: [byMonthAndOwner.columns[1], byMonthAndOwner.columns[2]] });
    expect(clickedValues(one, { componentType: "series", seriesType: "pie", name: "Alice Li", seriesName: "Amount" })?.values)
      .toEqual({ owner_id: 7 });
  });

  it("a heatmap cell is named by its axes", () => {
    const data = { ...byMonthAndOwner, option: { xAxis: { type: "category", data: ["2024-01", "2024-02"] }, yAxis: { type: "category", data: ["Alice Li", "Bob Li"] } } };
    expect(clickedValues(data, { componentType: "series", seriesType: "heatmap", value: [1, 1, 5] })?.values)
      .toEqual({ signed_on: "2024-02-01", owner_id: 9 });
  });

  it("takes the keys a data item carries as they are", () => {
    const click = clickedValues(byMonthAndOwner, { componentType: "series", seriesType: "bar", name: "x", data: { value: 1, keys: { signed_on: "2023-01-01" } } });
    expect(click?.values).toEqual({ signed_on: "2023-01-01" });
  });

  it("names nothing for a total bar, a legend or an unknown name", () => {
    expect(clickedValues(byMonthAndOwner, { componentType: "series", seriesType: "bar", name: "Total" })).toBeNull();
    expect(clickedValues(byMonthAndOwner, { componentType: "markLine", name: "average" })).toBeNull();
  });
});
