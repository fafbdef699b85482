// Links between forms: a record picker that searches the linked form's records, and cells
// that show each linked record by its title (a link to its page).
import { LinkOutlined, NodeIndexOutlined } from "@ant-design/icons";
import { Select, Tag } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useForm, useRecordSearch, useRecordsById, type RecordRow } from "../../api/forms";
import { registerFieldType } from "./index";
import { LIST_OPS, REF_OPS } from "./operators";
import { EmptyCell, makeFilter, useDebounced } from "./shared";
import type { CellProps, FieldDef, InputProps } from "./types";
import { isEmptyValue, opt, refId, refIds, refTitle, type RefId } from "./values";

/** The field that names a record of `form`: the link's display field, the form's title field, or its first text field. */
function useTitleKey(appKey: string, form: string | undefined, displayField?: string | null): string | null {
  const def = useForm(appKey || undefined, form);
  const target = def.data?.published ?? def.data?.draft;
  if (displayField) return displayField;
  return target?.settings?.title_field ?? target?.fields.find((f) => f.type === "text")?.key ?? null;
}

function titleOf(row: RecordRow | undefined, key: string | null, id: RefId): string {
  const v = row && key ? row[key] : undefined;
  return v === null || v === undefined || v === "" ? `#${id}` : String(v);
}

function LinkPicker({ field, value, onChange, disabled, id, context, multiple }: InputProps & { multiple: boolean }) {
  const { t } = useTranslation();
  const target = opt<string | undefined>(field, "form", undefined);
  const titleKey = useTitleKey(context.appKey, target, opt<string | null>(field, "display_field", null));
  const [search, setSearch] = useState("");
  const [open, setOpen] = useState(false);
  const q = useDebounced(search);
  const fields = titleKey ? [titleKey] : undefined;
  const found = useRecordSearch(context.appKey, target, q, fields, open && !!context.appKey);
  const list = multiple ? (Array.isArray(value) ? value : []) : value === null || value === undefined ? [] : [value];
  const ids = list.map(refId).filter((v): v is RefId => v !== null);
  const untitled = ids.filter((_, i) => refTitle(list[i]) === null);
  const byId = useRecordsById(context.appKey, target, untitled, fields);
  const options = useMemo(() => {
    const seen = new Set<string>();
    const out: { value: RefId; label: string }[] = [];
    for (const row of found.data?.items ?? []) {
      seen.add(String(row.id));
      out.push({ value: row.id, label: titleOf(row, titleKey, row.id) });
    }
    ids.forEach((rid, i) => {
      if (seen.has(String(rid))) return;
      const known = byId.data?.items.find((r) => String(r.id) === String(rid));
      out.push({ value: rid, label: refTitle(list[i]) ?? titleOf(known, titleKey, rid) });
    });
    return out;
  }, [found.data, byId.data, ids, list, titleKey]);
  return (
    <Select<RefId | RefId[]>
      id={id}
      style={{ width: "100%", minWidth: 160 }}
      mode={multiple ? "multiple" : undefined}
      value={multiple ? ids : (ids[0] ?? undefined)}
      onChange={(v) => onChange(Array.isArray(v) ? (v.length ? v : null) : (v ?? null))}
      options={options}
      allowClear
      disabled={disabled}
      onOpenChange={setOpen}
      placeholder={t("fields.link.search")}
      loading={found.isFetching}
      notFoundContent={found.isFetching ? t("common.loading") : t("common.noMatch")}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      suffixIcon={<LinkOutlined />}
    />
  );
}

const LinkInput = (p: InputProps) => <LinkPicker {...p} multiple={false} />;
const LinksInput = (p: InputProps) => <LinkPicker {...p} multiple />;

function LinkCell({ field, value, mode, context }: CellProps) {
  const target = opt<string | undefined>(field, "form", undefined);
  const appKey = context?.appKey ?? "";
  const list = Array.isArray(value) ? value : isEmptyValue(value) ? [] : [value];
  const ids = list.map(refId).filter((v): v is RefId => v !== null);
  const titleKey = useTitleKey(mode === "full" ? appKey : "", target, opt<string | null>(field, "display_field", null));
  const untitled = mode === "full" ? ids.filter((_, i) => refTitle(list[i]) === null) : [];
  const byId = useRecordsById(appKey, target, untitled, titleKey ? [titleKey] : undefined);
  if (!ids.length) return <EmptyCell mode={mode} />;
  return (
    <span>
      {ids.map((rid, i) => {
        const known = byId.data?.items.find((r) => String(r.id) === String(rid));
        const title = refTitle(list[i]) ?? titleOf(known, titleKey, rid);
        return (
          <Tag key={String(rid)} icon={<LinkOutlined />}>
            {appKey && target ? <Link to={`/apps/${appKey}/forms/${target}/records/${rid}`}>{title}</Link> : title}
          </Tag>
        );
      })}
    </span>
  );
}

const linkText = (_f: FieldDef, v: unknown) =>
  (Array.isArray(v) ? v : isEmptyValue(v) ? [] : [v]).map((x) => refTitle(x) ?? `#${refId(x)}`).join(", ");

registerFieldType({
  type: "link",
  toInput: (_f, v) => refId(v),
  icon: <LinkOutlined />,
  Input: LinkInput,
  Cell: LinkCell,
  operators: REF_OPS,
  Filter: makeFilter({ Input: LinkInput, Many: LinksInput }),
  text: linkText,
});

registerFieldType({
  type: "links",
  toInput: (_f, v) => (v === null ? null : refIds(v)),
  icon: <NodeIndexOutlined />,
  Input: LinksInput,
  Cell: LinkCell,
  operators: LIST_OPS,
  Filter: makeFilter({ Input: LinksInput, Many: LinksInput }),
  text: linkText,
});
