import { describe, expect, it } from "vitest";
import type { MenuItem } from "../../api/apps";
import { fromRows, groupedRows, toRows } from "./menuRows";

const menu: MenuItem[] = [
  { type: "form", key: "customers" },
  { type: "group", label: { en: "Sales" }, children: [{ type: "form", key: "deals" }, { type: "dashboard", key: "3" }] },
  { type: "group", label: { en: "Empty" }, children: [] },
];

describe("menu rows", () => {
  it("round-trip a menu with groups", () => {
    expect(fromRows(toRows(menu))).toEqual(menu);
  });

  it("move an entry into a group by putting it after the group's row", () => {
    const rows = toRows(menu);
    const [customers] = rows.splice(0, 1);
    rows.splice(1, 0, customers); // after the "Sales" group row
    expect(fromRows(rows)[0]).toMatchObject({ type: "group", children: [{ key: "customers" }, { key: "deals" }, { key: "3" }] });
  });

  it("know which rows are indented", () => {
    const rows = toRows(menu);
    expect([...groupedRows(rows)]).toEqual(["form:deals", "dashboard:3"]);
  });
});
