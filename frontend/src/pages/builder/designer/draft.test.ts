import { describe, expect, it } from "vitest";
import type { FormDefinition } from "../../../api/designer";
import type { FieldTypeInfo } from "../../../registries/fields/types";
import { canvasGroups, cleanDefinition, followLabel, createField, duplicateField, insertField, locateProblems, moveField, newFieldKey } from "./draft";

const form = (keys: string[], types: string[] = []): FormDefinition => ({
  key: "customers",
  label: { en: "Customers" },
  fields: keys.map((key, i) => ({ key, type: types[i] ?? "text", label: { en: key }, options: {} })),
});

const money: FieldTypeInfo = {
  type: "money", label: { "zh-CN": "x", en: "Money" }, description: {}, group: "number", storage: "decimal",
  computed: false, sortable: true, searchable: false, settings_schema: { properties: {}, type: "object" },
};

describe("form draft operations", () => {
  it("gives new fields free ASCII keys", () => {
    expect(newFieldKey("money", ["money_1"])).toBe("money_2");
    expect(createField(money, [], () => "Option")).toMatchObject({ key: "money_1", type: "money", label: { en: "Money" }, layout: { span: 1 } });
  });

  it("inserts, moves and duplicates fields", () => {
    let f = insertField(form(["a", "b"]), { key: "c", type: "text", label: { en: "c" }, options: {} }, 1);
    expect(f.fields.map((x) => x.key)).toEqual(["a", "c", "b"]);
    f = moveField(f, 0, 2);
    expect(f.fields.map((x) => x.key)).toEqual(["c", "b", "a"]);
    const copy = duplicateField(f, "b");
    expect(copy.form.fields.map((x) => x.key)).toEqual(["c", "b", "text_1", "a"]);
    expect(copy.key).toBe("text_1");
  });

  it("groups fields after each layout piece, with its own columns", () => {
    const f = form(["a", "s", "b", "c"], ["text", "section", "text", "text"]);
    f.fields[1].options = { columns: 3 };
    const groups = canvasGroups(f, (t) => t === "section");
    expect(groups).toEqual([
      { header: null, columns: 2, items: [0] },
      { header: 1, columns: 3, items: [2, 3] },
    ]);
  });

  it("places server problems on the field they name, by index or key", () => {
    const f = form(["name", "stage"]);
    expect(
      locateProblems(
        [
          { path: "fields.1.options.choices.0.value", message: "m1" },
          { path: "fields.name.type", message: "m2" },
          { path: "body.definition.label", message: "m3" },
        ],
        f,
      ),
    ).toEqual([
      { field: "stage", path: "options.choices.0.value", message: "m1" },
      { field: "name", path: "type", message: "m2" },
      { field: null, path: "label", message: "m3" },
    ]);
  });

  it("drops cleared optional texts before saving", () => {
    const f = form(["a"]);
    f.fields[0] = { ...f.fields[0], description: { en: "" }, visible_when: " ", default: { value: null }, rules: [{ expr: "", message: { en: "x" } }] };
    expect(cleanDefinition(f).fields[0]).toEqual({ key: "a", type: "text", label: { en: "a" }, options: {}, rules: [] });
  });
});

describe("field names in two languages", () => {
  const typeLabel = { "zh-CN": "T", en: "Single-line text" };
  it("follow the typed language while the other still names the type", () => {
    expect(followLabel(typeLabel, { ...typeLabel, en: "Company" }, typeLabel)).toEqual({ "zh-CN": "Company", en: "Company" });
  });
  it("leave a name the builder gave alone", () => {
    expect(followLabel({ "zh-CN": "C", en: "Company" }, { "zh-CN": "C", en: "Company Ltd" }, typeLabel)).toEqual({ "zh-CN": "C", en: "Company Ltd" });
  });
});
