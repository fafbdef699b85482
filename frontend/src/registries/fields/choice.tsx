// Choices: yes/no, one option, several options (with their colours), and a path in a tree.
import { ApartmentOutlined, CheckSquareOutlined, DownSquareOutlined, UnorderedListOutlined } from "@ant-design/icons";
import { Cascader, Checkbox, Radio, Select, Space, Switch, Tag } from "antd";
import { useTranslation } from "react-i18next";
import { registerFieldType } from "./index";
import { BOOLEAN_OPS, CHOICE_OPS, LIST_OPS } from "./operators";
import { currentLang, EmptyCell, makeFilter, useLang } from "./shared";
import type { CellProps, FieldDef, InputProps } from "./types";
import { cascaderLabels, choiceLabel, choices, opt, pickText, type CascaderNode } from "./values";

const COLOUR_OF: Record<string, string | undefined> = { default: undefined };

function tagColour(colour: string): string | undefined {
  return colour in COLOUR_OF ? COLOUR_OF[colour] : colour;
}

function useChoiceOptions(field: FieldDef) {
  const lang = useLang();
  return choices(field).map((c) => ({ value: c.value, label: pickText(c.label, lang) || c.value, colour: c.colour ?? "default" }));
}

function ChoiceTag({ field, value }: { field: FieldDef; value: string }) {
  const lang = useLang();
  const { label, colour } = choiceLabel(field, value, lang);
  return (
    <Tag color={tagColour(colour)} style={{ marginInlineEnd: 4 }}>
      {label}
    </Tag>
  );
}

// -- checkbox ---------------------------------------------------------------------------------

function CheckboxInput({ value, onChange, disabled, id }: InputProps) {
  return <Switch id={id} checked={value === true} onChange={(v) => onChange(v)} disabled={disabled} />;
}

function CheckboxFilterOne({ value, onChange }: InputProps) {
  const { t } = useTranslation();
  return (
    <Radio.Group
      aria-label={t("fields.filter.value")}
      value={value === true ? "yes" : value === false ? "no" : undefined}
      onChange={(e) => onChange(e.target.value === "yes")}
      options={[
        { value: "yes", label: t("fields.yes") },
        { value: "no", label: t("fields.no") },
      ]}
    />
  );
}

function CheckboxCell({ value, mode }: CellProps) {
  const { t } = useTranslation();
  if (value === null || value === undefined) return <EmptyCell mode={mode} />;
  return <Checkbox checked={value === true} disabled aria-label={value ? t("fields.yes") : t("fields.no")} />;
}

registerFieldType({
  type: "checkbox",
  icon: <CheckSquareOutlined />,
  Input: CheckboxInput,
  Cell: CheckboxCell,
  operators: BOOLEAN_OPS,
  Filter: makeFilter({ Input: CheckboxInput, One: CheckboxFilterOne }),
  isEmpty: (v) => v === null || v === undefined,
  text: (_f, v, t) => (v === true ? t("fields.yes") : v === false ? t("fields.no") : ""),
});

// -- single select ------------------------------------------------------------------------------

function SingleSelectInput({ field, value, onChange, disabled, id }: InputProps) {
  const { t } = useTranslation();
  const options = useChoiceOptions(field);
  const display = opt(field, "display", "dropdown");
  const current = typeof value === "string" ? value : undefined;
  if ((display === "radio" || display === "checkboxes" || display === "tags") && !opt(field, "allow_other", false)) {
    if (display === "tags") {
      return (
        <Radio.Group
          id={id}
          optionType="button"
          buttonStyle="solid"
          value={current}
          onChange={(e) => onChange(e.target.value)}
          disabled={disabled}
          options={options.map((o) => ({ value: o.value, label: o.label }))}
        />
      );
    }
    return (
      <Radio.Group id={id} value={current} onChange={(e) => onChange(e.target.value)} disabled={disabled}>
        <Space wrap>
          {options.map((o) => (
            <Radio key={o.value} value={o.value}>
              {o.label}
            </Radio>
          ))}
        </Space>
      </Radio.Group>
    );
  }
  const other = opt(field, "allow_other", false);
  return (
    <Select
      id={id}
      style={{ width: "100%" }}
      value={other ? (current ? [current] : []) : current}
      mode={other ? "tags" : undefined}
      maxCount={other ? 1 : undefined}
      onChange={(v: string | string[] | undefined) => onChange(Array.isArray(v) ? (v.at(-1) ?? null) : (v ?? null))}
      allowClear
      showSearch={{ optionFilterProp: "label" }}
      disabled={disabled}
      placeholder={t("fields.choose")}
      options={options.map((o) => ({ value: o.value, label: o.label }))}
      optionRender={(o) => <Tag color={tagColour(options.find((x) => x.value === o.value)?.colour ?? "default")}>{o.label}</Tag>}
    />
  );
}

function ChoicesSelect({ field, value, onChange, disabled, id }: InputProps) {
  const { t } = useTranslation();
  const options = useChoiceOptions(field);
  return (
    <Select
      id={id}
      aria-label={id ? undefined : t("fields.filter.value")}
      mode={opt(field, "allow_other", false) ? "tags" : "multiple"}
      style={{ width: "100%", minWidth: 160 }}
      value={Array.isArray(value) ? (value as string[]) : []}
      onChange={(v: string[]) => onChange(v.length ? v : null)}
      disabled={disabled}
      allowClear
      placeholder={t("fields.choose")}
      optionFilterProp="label"
      maxCount={opt<number | undefined>(field, "max_count", undefined)}
      options={options.map((o) => ({ value: o.value, label: o.label }))}
      tagRender={({ value: v, closable, onClose }) => (
        <Tag color={tagColour(options.find((x) => x.value === v)?.colour ?? "default")} closable={closable} onClose={onClose} style={{ marginInlineEnd: 4 }}>
          {options.find((x) => x.value === v)?.label ?? String(v)}
        </Tag>
      )}
    />
  );
}

function SingleCell({ field, value, mode }: CellProps) {
  if (typeof value !== "string" || !value) return <EmptyCell mode={mode} />;
  return <ChoiceTag field={field} value={value} />;
}

registerFieldType({
  type: "single_select",
  icon: <DownSquareOutlined />,
  Input: SingleSelectInput,
  Cell: SingleCell,
  operators: CHOICE_OPS,
  Filter: makeFilter({ Input: SingleSelectInput, Many: ChoicesSelect }),
  text: (f, v) => (typeof v === "string" ? choiceLabel(f, v, currentLang()).label : ""),
});

// -- multi select -------------------------------------------------------------------------------

function MultiSelectInput(props: InputProps) {
  const { field, value, onChange, disabled, id } = props;
  const options = useChoiceOptions(field);
  const display = opt(field, "display", "dropdown");
  const current = Array.isArray(value) ? (value as string[]) : [];
  if ((display === "checkboxes" || display === "radio") && !opt(field, "allow_other", false)) {
    return (
      <div id={id} role="group">
        <Checkbox.Group
          value={current}
          onChange={(v) => onChange(v.length ? (v as string[]) : null)}
          disabled={disabled}
          options={options.map((o) => ({ value: o.value, label: o.label }))}
        />
      </div>
    );
  }
  return <ChoicesSelect {...props} />;
}

function MultiCell({ field, value, mode }: CellProps) {
  if (!Array.isArray(value) || !value.length) return <EmptyCell mode={mode} />;
  return (
    <span style={mode === "compact" ? { whiteSpace: "nowrap", overflow: "hidden" } : undefined}>
      {(value as string[]).map((v) => (
        <ChoiceTag key={v} field={field} value={v} />
      ))}
    </span>
  );
}

registerFieldType({
  type: "multi_select",
  icon: <UnorderedListOutlined />,
  Input: MultiSelectInput,
  Cell: MultiCell,
  operators: LIST_OPS,
  Filter: makeFilter({ Input: MultiSelectInput, Many: ChoicesSelect }),
  text: (f, v, t) => (Array.isArray(v) ? v.map((x) => choiceLabel(f, String(x), currentLang()).label).join(t("common.listSeparator")) : ""),
});

// -- cascader -----------------------------------------------------------------------------------

interface CascaderOption {
  value: string;
  label: string;
  children?: CascaderOption[];
}

function toCascaderOptions(nodes: CascaderNode[], lang: string): CascaderOption[] {
  return nodes.map((n) => ({
    value: n.value,
    label: pickText(n.label, lang) || n.value,
    children: n.children?.length ? toCascaderOptions(n.children, lang) : undefined,
  }));
}

function CascaderInput({ field, value, onChange, disabled, id }: InputProps) {
  const { t } = useTranslation();
  const lang = useLang();
  const tree = opt<CascaderNode[]>(field, "tree", []);
  return (
    <Cascader
      id={id}
      style={{ width: "100%" }}
      options={toCascaderOptions(tree, lang)}
      value={Array.isArray(value) ? (value as string[]) : undefined}
      onChange={(v) => onChange(v && (v as string[]).length ? (v as string[]) : null)}
      changeOnSelect={!opt(field, "leaf_only", true)}
      disabled={disabled}
      showSearch
      placeholder={t("fields.choose")}
    />
  );
}

function flatten(nodes: CascaderNode[], lang: string, trail: string[] = []): { value: string; label: string }[] {
  return nodes.flatMap((n) => {
    const label = [...trail, pickText(n.label, lang) || n.value];
    return [{ value: n.value, label: label.join(" / ") }, ...flatten(n.children ?? [], lang, label)];
  });
}

function CascaderMany({ field, value, onChange }: InputProps) {
  const { t } = useTranslation();
  const lang = useLang();
  return (
    <Select
      aria-label={t("fields.filter.value")}
      mode="multiple"
      style={{ width: "100%", minWidth: 160 }}
      value={Array.isArray(value) ? (value as string[]) : []}
      onChange={(v: string[]) => onChange(v)}
      optionFilterProp="label"
      options={flatten(opt<CascaderNode[]>(field, "tree", []), lang)}
    />
  );
}

function CascaderCell({ field, value, mode }: CellProps) {
  const lang = useLang();
  if (!Array.isArray(value) || !value.length) return <EmptyCell mode={mode} />;
  return <span>{cascaderLabels(opt<CascaderNode[]>(field, "tree", []), value as string[], lang).join(" / ")}</span>;
}

registerFieldType({
  type: "cascader",
  icon: <ApartmentOutlined />,
  Input: CascaderInput,
  Cell: CascaderCell,
  operators: LIST_OPS,
  Filter: makeFilter({ Input: CascaderInput, Many: CascaderMany }),
  text: (f, v) => (Array.isArray(v) ? cascaderLabels(opt<CascaderNode[]>(f, "tree", []), v as string[], currentLang()).join(" / ") : ""),
});
