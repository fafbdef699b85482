import { describe, expect, it } from "vitest";
import { firstTarget, recordPath } from "./paths";

describe("an app's first page", () => {
  it("is the first form or dashboard, looking inside groups", () => {
    expect(
      firstTarget("crm", [
        { type: "link", url: "https://example.com" },
        { type: "group", label: { en: "Sales" }, children: [{ type: "dashboard", key: "7" }, { type: "form", key: "deals" }] },
      ]),
    ).toBe("/apps/crm/dashboards/7");
    expect(firstTarget("crm", [{ type: "group", children: [] }, { type: "form", key: "deals" }])).toBe("/apps/crm/forms/deals");
  });

  it("is nothing for an empty menu", () => {
    expect(firstTarget("crm", [])).toBeNull();
  });

  it("escapes what goes into an address", () => {
    expect(recordPath("crm", "deals", "1/2")).toBe("/apps/crm/forms/deals/records/1%2F2");
  });
});
