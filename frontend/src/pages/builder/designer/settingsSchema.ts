// A field type's settings_schema (JSON Schema from the server's Options model) turned into
// a description of the controls the property panel shows: no type names, only schema shapes.

export type JsonSchema = {
  type?: string | string[];
  title?: string;
  description?: string;
  enum?: unknown[];
  const?: unknown;
  default?: unknown;
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  required?: string[];
  additionalProperties?: boolean | JsonSchema;
  propertyNames?: JsonSchema;
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  $ref?: string;
  $defs?: Record<string, JsonSchema>;
};

export type Control =
  | { kind: "text"; maxLength?: number; format?: string }
  | { kind: "number"; integer: boolean; min?: number; max?: number; acceptsString: boolean }
  | { kind: "boolean" }
  | { kind: "enum"; options: string[] }
  | { kind: "multiEnum"; options: string[]; maxItems?: number }
  | { kind: "tags"; integer: boolean; maxItems?: number }
  /** a text per language: {"zh-CN": …, "en": …} */
  | { kind: "i18n" }
  | { kind: "object"; fields: PropertyControl[] }
  | { kind: "list"; item: Control; minItems: number; maxItems?: number }
  | { kind: "unsupported" };

export interface PropertyControl {
  key: string;
  title: string;
  description?: string;
  required: boolean;
  /** null is a valid value (anyOf […, null]): the control may be cleared */
  nullable: boolean;
  default?: unknown;
  control: Control;
}

const MAX_DEPTH = 6;

function resolve(schema: JsonSchema, root: JsonSchema): JsonSchema {
  let s = schema;
  for (let i = 0; s.$ref && i < 10; i++) {
    const name = s.$ref.replace(/^#\/\$defs\//, "");
    const target = root.$defs?.[name];
    if (!target) break;
    s = { ...target, ...Object.fromEntries(Object.entries(s).filter(([k]) => k !== "$ref")) };
  }
  return s;
}

function typesOf(s: JsonSchema): string[] {
  if (Array.isArray(s.type)) return s.type;
  return s.type ? [s.type] : [];
}

/** Splits `anyOf` into its non-null variants and whether null is allowed. */
function variants(schema: JsonSchema, root: JsonSchema): { options: JsonSchema[]; nullable: boolean } {
  const s = resolve(schema, root);
  const list = s.anyOf ?? s.oneOf;
  if (!list) {
    const types = typesOf(s);
    return { options: [s], nullable: types.includes("null") };
  }
  const options = list.map((v) => resolve(v, root)).filter((v) => !typesOf(v).includes("null") || typesOf(v).length > 1);
  return { options, nullable: list.some((v) => typesOf(resolve(v, root)).join() === "null") };
}

function isI18nObject(s: JsonSchema): boolean {
  if (typesOf(s)[0] !== "object") return false;
  const ap = s.additionalProperties;
  if (ap && typeof ap === "object" && typesOf(ap)[0] === "string" && !s.properties) return true;
  const keys = Object.keys(s.properties ?? {});
  return keys.length === 2 && keys.includes("zh-CN") && keys.includes("en");
}

export function controlFor(schema: JsonSchema, root: JsonSchema, depth = 0): Control {
  if (depth > MAX_DEPTH) return { kind: "unsupported" };
  const { options } = variants(schema, root);
  const types = options.flatMap(typesOf);
  const first = options[0] ?? {};
  if (first.enum) return { kind: "enum", options: first.enum.map(String) };
  if (types.includes("number") || types.includes("integer")) {
    const numeric = options.find((o) => typesOf(o).some((t) => t === "number" || t === "integer"))!;
    return {
      kind: "number",
      integer: typesOf(numeric).includes("integer") && !types.includes("number"),
      min: numeric.minimum,
      max: numeric.maximum,
      acceptsString: types.includes("string"),
    };
  }
  if (types[0] === "string") return { kind: "text", maxLength: first.maxLength, format: first.format };
  if (types[0] === "boolean") return { kind: "boolean" };
  if (types[0] === "array") {
    const item = resolve(first.items ?? {}, root);
    if (item.enum) return { kind: "multiEnum", options: item.enum.map(String), maxItems: first.maxItems };
    const itemTypes = typesOf(item);
    if (itemTypes[0] === "string" || itemTypes[0] === "integer" || itemTypes[0] === "number") {
      return { kind: "tags", integer: itemTypes[0] !== "string", maxItems: first.maxItems };
    }
    return { kind: "list", item: controlFor(item, root, depth + 1), minItems: first.minItems ?? 0, maxItems: first.maxItems };
  }
  if (types[0] === "object" || first.properties) {
    if (isI18nObject(first)) return { kind: "i18n" };
    return { kind: "object", fields: propertiesOf(first, root, depth + 1) };
  }
  return { kind: "unsupported" };
}

/** The controls of an object schema's properties, in the schema's order. */
export function propertiesOf(schema: JsonSchema, root: JsonSchema = schema, depth = 0): PropertyControl[] {
  const s = resolve(schema, root);
  const required = new Set(s.required ?? []);
  return Object.entries(s.properties ?? {}).map(([key, prop]) => {
    const resolved = resolve(prop, root);
    const { nullable } = variants(prop, root);
    return {
      key,
      title: resolved.title ?? key,
      description: resolved.description,
      required: required.has(key),
      nullable,
      default: resolved.default,
      control: controlFor(prop, root, depth),
    };
  });
}

/** A first value for a new item or a required setting: `Option 1` for a required text, and so on. */
export function initialValue(control: Control, title: string, n = 1): unknown {
  switch (control.kind) {
    case "text":
      return `${title} ${n}`;
    case "number":
      return control.min ?? 0;
    case "boolean":
      return false;
    case "enum":
      return control.options[0];
    case "multiEnum":
    case "tags":
      return [];
    case "i18n":
      return null;
    case "list":
      return Array.from({ length: control.minItems }, (_, i) => initialValue(control.item, title, i + 1));
    case "object": {
      const out: Record<string, unknown> = {};
      for (const f of control.fields) if (f.required) out[f.key] = initialValue(f.control, title, n);
      return out;
    }
    default:
      return null;
  }
}

/** The options a new field starts with: only its required settings, each with a first value. */
export function initialOptions(schema: JsonSchema, itemTitle: (key: string) => string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const p of propertiesOf(schema)) {
    if (!p.required) continue;
    if (p.control.kind === "text") continue; // a required text (a formula, a form key) is the builder's to give
    const value = initialValue(p.control, itemTitle(p.key), 1);
    if (p.control.kind === "list" && Array.isArray(value) && value.length < 2 && p.control.item.kind === "object") {
      value.push(initialValue(p.control.item, itemTitle(p.key), value.length + 1));
    }
    out[p.key] = value;
  }
  return out;
}
