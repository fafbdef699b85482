import { describe, expect, it } from "vitest";
import { initialOptions, propertiesOf } from "./settingsSchema";
import type { JsonSchema } from "./settingsSchema";

const choice: JsonSchema = {
  $defs: {
    Choice: {
      additionalProperties: false,
      properties: {
        value: { maxLength: 100, minLength: 1, title: "Value", type: "string" },
        label: { anyOf: [{ additionalProperties: { type: "string" }, type: "object" }, { type: "null" }], default: null, title: "Label" },
        colour: { default: "default", enum: ["default", "blue", "green"], title: "Colour", type: "string" },
      },
      required: ["value"],
      title: "Choice",
      type: "object",
    },
  },
  properties: {
    choices: { items: { $ref: "#/$defs/Choice" }, maxItems: 500, minItems: 1, title: "Choices", type: "array" },
    display: { default: "dropdown", enum: ["dropdown", "radio"], title: "Display", type: "string" },
    allow_other: { default: false, title: "Allow Other", type: "boolean" },
  },
  required: ["choices"],
  type: "object",
};

describe("settings schema → controls", () => {
  it("maps arrays of objects, enums, booleans and per-language texts", () => {
    const props = propertiesOf(choice);
    expect(props.map((p) => [p.key, p.control.kind, p.required])).toEqual([
      ["choices", "list", true],
      ["display", "enum", false],
      ["allow_other", "boolean", false],
    ]);
    const list = props[0].control;
    expect(list.kind === "list" && list.item.kind === "object" && list.item.fields.map((f) => [f.key, f.control.kind, f.nullable])).toEqual([
      ["value", "text", false],
      ["label", "i18n", true],
      ["colour", "enum", false],
    ]);
  });

  it("reads anyOf-null numbers and number-or-string bounds as clearable number inputs", () => {
    const props = propertiesOf({
      properties: {
        precision: { anyOf: [{ maximum: 8, minimum: 0, type: "integer" }, { type: "null" }], default: null, title: "Precision" },
        min: { anyOf: [{ type: "number" }, { type: "string" }, { type: "null" }], default: null, title: "Min" },
      },
      type: "object",
    });
    expect(props[0]).toMatchObject({ nullable: true, control: { kind: "number", integer: true, min: 0, max: 8 } });
    expect(props[1]).toMatchObject({ nullable: true, control: { kind: "number", integer: false, acceptsString: true } });
  });

  it("maps string arrays to tags and enum arrays to a multiple choice", () => {
    const props = propertiesOf({
      properties: {
        domains: { items: { type: "string" }, type: "array", title: "Domains" },
        department_ids: { items: { type: "integer" }, type: "array" },
        kinds: { items: { enum: ["mobile", "landline"], type: "string" }, type: "array" },
      },
      type: "object",
    });
    expect(props.map((p) => p.control)).toEqual([
      { kind: "tags", integer: false, maxItems: undefined },
      { kind: "tags", integer: true, maxItems: undefined },
      { kind: "multiEnum", options: ["mobile", "landline"], maxItems: undefined },
    ]);
  });

  it("follows $ref to nested objects with zh-CN/en members as a per-language text", () => {
    const props = propertiesOf({
      $defs: { I18nText: { properties: { "zh-CN": { type: "string" }, en: { type: "string" } }, type: "object" } },
      properties: { confirm: { anyOf: [{ $ref: "#/$defs/I18nText" }, { type: "null" }], default: null } },
      type: "object",
    });
    expect(props[0]).toMatchObject({ key: "confirm", title: "confirm", nullable: true, control: { kind: "i18n" } });
  });

  it("gives a new field two first options, and leaves required texts to the builder", () => {
    expect(initialOptions(choice, () => "Option")).toEqual({ choices: [{ value: "Option 1" }, { value: "Option 2" }] });
    expect(
      initialOptions({ properties: { expression: { type: "string", minLength: 1 } }, required: ["expression"] }, () => "x"),
    ).toEqual({});
  });
});
