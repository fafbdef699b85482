import { describe, expect, it } from "vitest";
import "./all";
import { fieldTypes, fieldUI } from "./index";
import { ALL_OPS } from "./operators";

describe("the client field-type registry", () => {
  it("gives every type an input, a cell, a filter and known operators", () => {
    expect(fieldTypes.size).toBeGreaterThanOrEqual(43);
    for (const [type, ui] of fieldTypes) {
      expect(ui.type).toBe(type);
      expect(ui.Input, type).toBeTruthy();
      expect(ui.Cell, type).toBeTruthy();
      expect(ui.Filter, type).toBeTruthy();
      for (const op of ui.operators) expect(ALL_OPS as readonly string[], `${type}: ${op}`).toContain(op);
    }
  });
  it("shows an unknown type (a newer server) as text", () => {
    expect(fieldUI("hologram").type).toBe("text");
  });
  it("marks what forms must not ask for", () => {
    for (const type of ["formula", "lookup", "rollup", "autonumber", "created_by", "created_at", "updated_by", "updated_at"]) {
      expect(fieldUI(type).role, type).toBe("computed");
    }
    expect(fieldUI("section").role).toBe("section");
    expect(fieldUI("tab").role).toBe("tab");
    expect(fieldUI("text").role ?? "value").toBe("value");
  });
});
