import { describe, expect, it } from "vitest";
import { keyFromName } from "./appKey";

describe("app keys from names", () => {
  it("are short lowercase ASCII identifiers", () => {
    expect(keyFromName("Sales CRM")).toBe("sales_crm");
    expect(keyFromName("2024 Orders & Returns!")).toBe("orders_returns");
    expect(keyFromName("A very long application name indeed")).toBe("a_very_long_applicat");
  });
  it("are left to the person when the name has no ASCII letters", () => {
    expect(keyFromName("\u5ba2\u6237\u7ba1\u7406")).toBe("");
  });
});
