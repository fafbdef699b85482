import { describe, expect, it } from "vitest";
import { MERGE_MS, record, redo, startHistory, undo } from "./history";

describe("designer history", () => {
  it("undoes and redoes steps in order", () => {
    let h = startHistory("a");
    h = record(h, "ab");
    h = record(h, "abc");
    h = undo(h);
    expect(h.present).toBe("ab");
    h = undo(h);
    expect(h.present).toBe("a");
    expect(undo(h)).toBe(h);
    h = redo(h);
    expect(h.present).toBe("ab");
  });

  it("forgets the undone future on a new change", () => {
    let h = record(record(startHistory(1), 2), 3);
    h = record(undo(h), 4);
    expect(h.future).toEqual([]);
    expect(redo(h)).toBe(h);
    expect(undo(h).present).toBe(2);
  });

  it("merges typing in one property into one step", () => {
    let h = startHistory("");
    h = record(h, "A", "label", 1000);
    h = record(h, "Ac", "label", 1200);
    h = record(h, "Acm", "label", 1400);
    h = record(h, "Acme", "key", 1500);
    expect(undo(h).present).toBe("Acm");
    expect(undo(undo(h)).present).toBe("");
  });

  it("starts a new step after a pause", () => {
    let h = startHistory("");
    h = record(h, "A", "label", 0);
    h = record(h, "AB", "label", MERGE_MS + 1);
    expect(undo(h).present).toBe("A");
  });
});
