import { describe, expect, it } from "vitest";
import { DATE_PRESETS, daysOf, presetRange } from "./datePresets";

describe("date-range presets", () => {
  const today = "2026-11-23"; // a Monday

  it("cover months, quarters and the year to date", () => {
    expect(presetRange("this_month", today)).toEqual(["2026-11-01", "2026-11-30"]);
    expect(presetRange("last_month", today)).toEqual(["2026-10-01", "2026-10-31"]);
    expect(presetRange("this_quarter", today)).toEqual(["2026-10-01", "2026-12-31"]);
    expect(presetRange("last_quarter", today)).toEqual(["2026-07-01", "2026-09-30"]);
    expect(presetRange("year_to_date", today)).toEqual(["2026-01-01", "2026-11-23"]);
    expect(presetRange("last_year", today)).toEqual(["2025-01-01", "2025-12-31"]);
  });

  it("count rolling days including today, and weeks from Monday", () => {
    expect(presetRange("last_7_days", today)).toEqual(["2026-11-17", "2026-11-23"]);
    expect(presetRange("this_week", "2026-11-29")).toEqual(["2026-11-23", "2026-11-29"]);
    expect(presetRange("last_12_months", today)).toEqual(["2025-12-01", "2026-11-23"]);
    expect(presetRange("last_quarter", "2026-02-10")).toEqual(["2025-10-01", "2025-12-31"]);
  });

  it("every offered preset resolves", () => {
    for (const p of DATE_PRESETS) expect(presetRange(p, today)[0] <= presetRange(p, today)[1]).toBe(true);
    expect(daysOf({ relative: "this_month" }, today)).toEqual(["2026-11-01", "2026-11-30"]);
    expect(daysOf({ start: "2024-01-01", end: "2024-02-01" })).toEqual(["2024-01-01", "2024-02-01"]);
  });
});
