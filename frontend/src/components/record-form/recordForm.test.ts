import { describe, expect, it } from "vitest";
import type { FieldDef, FieldRole, FieldTypeUI } from "../../registries/fields/types";
import { refId, refIds } from "../../registries/fields/values";
import { defaultChoices, diffConflict, mergeConflict } from "./conflict";
import { normalisePath, placeErrors } from "./errors";
import { buildLayout, spanOf } from "./layout";
import { initialValues, submittable, toInput, type UiOf } from "./values";
import { isEditable, shownKeys } from "./visibility";

const f = (key: string, type = "text", extra: Partial<FieldDef> = {}): FieldDef => ({ key, type, label: { en: key.toUpperCase() }, options: {}, ...extra });

const ROLES: Record<string, FieldRole> = { section: "section", tab: "tab", description: "static", formula: "computed", created_at: "computed" };
const roleOf = (type: string): FieldRole => ROLES[type] ?? "value";
const uiOf: UiOf = (type) => {
  const ui: Pick<FieldTypeUI, "role" | "toInput"> = { role: roleOf(type) };
  if (type === "member" || type === "link") ui.toInput = (_f, v) => refId(v);
  if (type === "members") ui.toInput = (_f, v) => refIds(v);
  return ui;
};
const t = (key: string, opts?: Record<string, unknown>) => (opts ? `${key} ${JSON.stringify(opts)}` : key);

describe("layout", () => {
  const fields = [f("a"), f("s1", "section", { options: { columns: 3 } }), f("b"), f("c"), f("t1", "tab"), f("d"), f("s2", "section"), f("e")];
  const tabs = buildLayout(fields, roleOf, 2);
  it("groups fields into tabs and sections in order", () => {
    expect(tabs.map((x) => x.key)).toEqual(["_main", "t1"]);
    expect(tabs[0].sections.map((s) => [s.key, s.columns, s.fields.map((x) => x.key)])).toEqual([
      ["__main", 2, ["a"]],
      ["s1", 3, ["b", "c"]],
    ]);
    expect(tabs[1].sections.map((s) => [s.key, s.fields.map((x) => x.key)])).toEqual([
      ["_t1", ["d"]],
      ["s2", ["e"]],
    ]);
  });
  it("gives each field its span of the row, wide ones the whole row", () => {
    expect(spanOf(f("x", "text", { layout: { span: 1 } }), 2, false)).toBe(12);
    expect(spanOf(f("x", "text", { layout: { span: 2 } }), 3, false)).toBe(16);
    expect(spanOf(f("x", "text", { layout: { span: 4 } }), 2, false)).toBe(24);
    expect(spanOf(f("x"), 4, true)).toBe(24);
  });
});

describe("visibility", () => {
  const fields = [f("a"), f("s", "section", { visible_when: "x" }), f("b"), f("c", "text", { hidden: true }), f("t", "tab"), f("d"), f("e")];
  it("hides fields by definition, by rights and by their rule, with sections carrying theirs", () => {
    expect([...shownKeys(fields, roleOf, undefined, {})]).toEqual(["a", "s", "b", "t", "d", "e"]);
    expect([...shownKeys(fields, roleOf, { e: "hidden" }, { s: false })]).toEqual(["a", "t", "d"]);
  });
  it("edits only what is neither computed, read-only nor refused", () => {
    expect(isEditable(f("a"), undefined, false)).toBe(true);
    expect(isEditable(f("a"), { a: "read_only" }, false)).toBe(false);
    expect(isEditable(f("a", "text", { read_only: true }), undefined, false)).toBe(false);
    expect(isEditable(f("a"), undefined, true)).toBe(false);
  });
});

describe("values sent", () => {
  const fields = [f("title"), f("owner", "member"), f("team", "members"), f("total", "formula"), f("secret"), f("locked", "text", { read_only: true })];
  const options = { uiOf, writable: (x: FieldDef) => !x.read_only && uiOf(x.type).role !== "computed", shown: (k: string) => k !== "secret" };
  it("sends a new record's filled, writable, shown fields with references as ids", () => {
    const values = { title: "A", owner: { id: 3, title: "Li" }, team: [{ id: 1 }, 2], total: "9", secret: "s", locked: "l", empty: null };
    expect(submittable(fields, values, options)).toEqual({ title: "A", owner: 3, team: [1, 2] });
  });
  it("sends only what changed in an edit, including a cleared value", () => {
    const base = { title: "A", owner: 3, team: [1] };
    expect(submittable(fields, { title: "A", owner: { id: 3, title: "Li" }, team: [] }, { ...options, base })).toEqual({ team: [] });
    expect(submittable(fields, { title: null, owner: 3, team: [1] }, { ...options, base })).toEqual({ title: null });
  });
  it("starts a new record from the static defaults, and an edit from the record", () => {
    const withDefault = [f("stage", "single_select", { default: { value: "lead" } }), f("n")];
    expect(initialValues(withDefault, undefined, true)).toEqual({ stage: "lead" });
    expect(initialValues(withDefault, { stage: "won" }, false)).toEqual({ stage: "won" });
    expect(initialValues(withDefault, {}, false)).toEqual({});
  });
  it("converts through the type's own toInput", () => {
    expect(toInput(f("o", "link"), { id: 5, title: "x" }, uiOf)).toBe(5);
    expect(toInput(f("o", "text"), "x", uiOf)).toBe("x");
  });
});

describe("server errors", () => {
  const fields = [f("amount", "money"), f("items", "subform", { fields: [f("qty", "number", { label: { en: "Qty" } })] }), f("gone"), f("note", "text", { rules: [{ expr: "1", message: { en: "Too big", "zh-CN": "\u592a\u5927" } }] })];
  it("lands at the field the path names, subform cells inside their grid", () => {
    const placed = placeErrors(
      [
        { path: "values.amount", message: "At most 10." },
        { path: "items.2.qty", message: "This field is required." },
        { path: "version", message: "current version is 3" },
        { path: "gone", message: "x" },
      ],
      fields,
      (k) => k !== "gone",
      "en",
      t,
    );
    expect(placed.fields.get("amount")).toEqual(["At most 10."]);
    expect(placed.paths.get("items.2.qty")).toEqual(["fields.errors.required"]);
    expect(placed.fields.get("items")?.[0]).toContain('"n":3');
    expect(placed.other).toEqual(["current version is 3", "x"]);
  });
  it("speaks the reader's language: the server's Chinese message, or the rule's own text", () => {
    const zh = placeErrors([{ path: "amount", message: "At most 10.", extra: { message_zh: "\u4e0d\u80fd\u5927\u4e8e 10\u3002" } }], fields, () => true, "zh-CN", t);
    expect(zh.fields.get("amount")).toEqual(["\u4e0d\u80fd\u5927\u4e8e 10\u3002"]);
    const rule = placeErrors([{ path: "note", message: "Too big" }], fields, () => true, "zh-CN", t);
    expect(rule.fields.get("note")).toEqual(["\u592a\u5927"]);
  });
  it("reads paths with or without a values prefix", () => {
    expect(normalisePath("body.values.items.0.qty")).toBe("items.0.qty");
    expect(normalisePath("amount")).toBe("amount");
  });
});

describe("stale-version conflicts", () => {
  const base = { title: "A", amount: "10", stage: "lead", note: "x" };
  const mine = { title: "A2", amount: "10", stage: "won", note: "x" };
  const theirs = { title: "A", amount: "12.00", stage: "lost", note: "x" };
  const entries = diffConflict(["title", "amount", "stage", "note"], base, mine, theirs);
  it("lists the fields the server changed, marking those both sides changed", () => {
    expect(entries.map((e) => [e.key, e.clash])).toEqual([
      ["amount", false],
      ["stage", true],
    ]);
  });
  it("keeps mine where I changed it and takes theirs elsewhere by default", () => {
    expect(defaultChoices(entries)).toEqual({ amount: "theirs", stage: "mine" });
  });
  it("merges per choice", () => {
    expect(mergeConflict(mine, theirs, entries, { amount: "theirs", stage: "theirs" })).toEqual({
      title: "A2",
      amount: "12.00",
      stage: "lost",
      note: "x",
    });
  });
  it("sees no conflict when both sides made the same change", () => {
    expect(diffConflict(["stage"], { stage: "a" }, { stage: "b" }, { stage: "b" })).toEqual([
      { key: "stage", base: "a", mine: "b", theirs: "b", clash: false },
    ]);
  });
});
