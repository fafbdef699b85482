// Picks departments from the tree, read from the directory every signed-in person may read.
import { TreeSelect } from "antd";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { useDirectoryDepartments, type DirectoryDepartment } from "../api/forms";
import type { Id } from "../api/types";

interface TreeOption {
  value: Id;
  title: string;
  disabled?: boolean;
  children: TreeOption[];
}

function toOptions(items: DirectoryDepartment[], disabled: Set<string>): TreeOption[] {
  const byParent = new Map<string, DirectoryDepartment[]>();
  const known = new Set(items.map((d) => String(d.id)));
  for (const d of items) {
    const parent = d.parent_id != null && known.has(String(d.parent_id)) ? String(d.parent_id) : "";
    byParent.set(parent, [...(byParent.get(parent) ?? []), d]);
  }
  const build = (parent: string): TreeOption[] =>
    (byParent.get(parent) ?? []).map((d) => ({
      value: d.id,
      title: d.name,
      disabled: disabled.has(String(d.id)),
      children: build(String(d.id)),
    }));
  return build("");
}

interface Props<V> {
  id?: string;
  value?: V;
  onChange?: (value: V) => void;
  multiple?: boolean;
  /** Ids that cannot be chosen (a department and its descendants when moving it). */
  disabledIds?: Set<string>;
  placeholder?: string;
  allowClear?: boolean;
  style?: React.CSSProperties;
  "aria-label"?: string;
}

export function DepartmentTreeSelect<V extends Id | Id[] | null | undefined>({
  id,
  value,
  onChange,
  multiple = false,
  disabledIds,
  placeholder,
  allowClear = true,
  style,
  ...rest
}: Props<V>) {
  const { t } = useTranslation();
  const departments = useDirectoryDepartments();
  const treeData = useMemo(
    () => toOptions(departments.data ?? [], disabledIds ?? new Set()),
    [departments.data, disabledIds],
  );
  return (
    <TreeSelect
      id={id}
      aria-label={rest["aria-label"]}
      style={style}
      value={value ?? undefined}
      onChange={(v: V) => onChange?.((v ?? (multiple ? [] : null)) as V)}
      treeData={treeData}
      multiple={multiple}
      allowClear={allowClear}
      treeDefaultExpandAll
      showSearch
      treeNodeFilterProp="title"
      loading={departments.isLoading}
      placeholder={placeholder ?? t("common.chooseDepartment")}
      notFoundContent={t("common.noMatch")}
    />
  );
}
