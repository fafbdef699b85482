import { describe, expect, it } from "vitest";
import { safeNextPath } from "./format";

describe("the page after sign-in", () => {
  it("is any path on this site", () => {
    expect(safeNextPath("/admin/users?q=li")).toBe("/admin/users?q=li");
  });
  it("is never another site or the login page again", () => {
    for (const bad of ["https://evil.example", "//evil.example", "/\\evil.example", "javascript:alert(1)", "/login", null]) {
      expect(safeNextPath(bad)).toBe("/");
    }
  });
});
