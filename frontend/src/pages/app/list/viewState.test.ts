import { describe, expect, it } from "vitest";
import { activeConditions, fromModel, sortOrderOf, toModel, withDefaults } from "./viewState";

describe("the filter builder's model", () => {
  it("round-trips flat and/or filters", () => {
    const filter = { or: [{ field: "stage", op: "eq", value: "won" }, { field: "amount", op: "gt", value: 5 }] };
    expect(fromModel(toModel(filter))).toEqual(filter);
    expect(toModel({ field: "stage", op: "eq", value: "won" }).conditions).toHaveLength(1);
  });

  it("leaves out conditions without their value and sends nothing when none is complete", () => {
    const model = { match: "and" as const, custom: null, conditions: [{ field: "title", op: "contains", value: "" }] };
    expect(fromModel(model)).toBeNull();
    model.conditions.push({ field: "title", op: "empty", value: undefined as unknown as string });
    expect(fromModel(model)).toEqual({ and: [{ field: "title", op: "empty", value: undefined }] });
  });

  it("keeps a nested filter as it is", () => {
    const nested = { and: [{ or: [{ field: "a", op: "eq", value: 1 }] }] };
    const model = toModel(nested);
    expect(model.custom).toEqual(nested);
    expect(fromModel(model)).toEqual(nested);
    expect(activeConditions(nested)).toBe(1);
  });
});

describe("view config", () => {
  it("fills what an older saved view lacks", () => {
    const config = withDefaults({ sort: ["-id"] }, ["a", "b"]);
    expect(config.columns).toEqual(["a", "b"]);
    expect(config.page_size).toBe(20);
    expect(config.sort).toEqual(["-id"]);
  });

  it("reads the sort order of a column", () => {
    expect(sortOrderOf(["-amount"], "amount")).toBe("descend");
    expect(sortOrderOf(["amount"], "amount")).toBe("ascend");
    expect(sortOrderOf(["title"], "amount")).toBeNull();
  });
});
