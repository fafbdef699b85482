import { describe, expect, it } from "vitest";
import type { DashboardDefinition } from "../../api/reports";
import { recordsHref, textOf, widgetConditions } from "./conditions";

const board: DashboardDefinition = {
  widgets: [],
  filters: [
    { key: "period", kind: "date_range", targets: [{ widget: "sales", field: "signed_on" }] },
    { key: "dept", kind: "department", targets: [] },
    { key: "stage", kind: "select", targets: [{ widget: "sales", field: "stage" }, { widget: "other", field: "x" }] },
  ],
};

describe("a widget's conditions from the global filters", () => {
  it("applies wired filters and the default owner/department fields, like the server", () => {
    const params = widgetConditions(board, { id: "sales", kind: "report" },
      { period: { relative: "this_month" }, dept: [1], stage: ["won"] }, (id) => (id === 1 ? [1, 2, 3] : [id]));
    expect(params.date_range).toEqual({ relative: "this_month", field: "signed_on" });
    expect(params.where).toEqual([
      { field: "owner_dept_id", op: "in", value: [1, 2, 3] },
      { field: "stage", op: "in", value: ["won"] },
    ]);
  });

  it("leaves out empty values and filters wired elsewhere", () => {
    const params = widgetConditions(board, { id: "kpi", kind: "report" }, { period: null, dept: [], stage: ["won"] });
    expect(params).toEqual({ where: [], date_range: null });
  });

  it("links to the records list with the drill filter in the query string", () => {
    const href = recordsHref("sales", "deals", { and: [{ field: "stage", op: "eq", value: "won" }] });
    expect(href.startsWith("/apps/sales/forms/deals?filter=")).toBe(true);
    expect(JSON.parse(decodeURIComponent(href.split("filter=")[1]))).toEqual({ and: [{ field: "stage", op: "eq", value: "won" }] });
  });

  it("names things in the reader's language, else the other", () => {
    expect(textOf({ zh_CN: "销售", en: "Sales" }, "en")).toBe("Sales");
    expect(textOf({ en: "Sales" }, "zh-CN")).toBe("Sales");
  });
});
