import { describe, expect, it } from "vitest";
import { filtersParam, type DashboardDefinition } from "../../api/reports";
import { initialFilters } from "./DashboardPage";
import { formsRead } from "./DashboardView";
import { shownFilters } from "./FiltersBar";

const board: DashboardDefinition = {
  widgets: [
    { id: "sales", kind: "report", report: { dataset: { form: "deals" } }, grid: { x: 0, y: 0, w: 6, h: 4 } },
    { id: "saved", kind: "report", report_id: 3, grid: { x: 6, y: 0, w: 6, h: 4 } },
    { id: "latest", kind: "records", form: "contacts", grid: { x: 0, y: 4, w: 12, h: 4 } },
  ],
  filters: [
    { key: "stage", kind: "select", targets: [{ widget: "sales", field: "stage" }, { widget: "saved", field: "stage" }] },
    { key: "who", kind: "owner", targets: [], default: [7] },
    { key: "period", kind: "date_range", targets: [] },
  ],
};

describe("a board's filters", () => {
  it("start from their defaults and leave empty values out of the request", () => {
    expect(initialFilters(board.filters)).toEqual({ who: [7] });
    expect(filtersParam({ who: [7], stage: [], period: null })).toBe('{"who":[7]}');
    expect(filtersParam({ stage: [] })).toBeUndefined();
  });

  it("offer only those that need no directory on a public link", () => {
    expect(shownFilters(board.filters, true).map((f) => f.key)).toEqual(["stage", "period"]);
    expect(shownFilters(board.filters, false)).toHaveLength(3);
  });

  it("read the fields of the forms behind records widgets and select filters", () => {
    expect(formsRead(board).sort()).toEqual(["contacts", "deals"]);
  });
});
