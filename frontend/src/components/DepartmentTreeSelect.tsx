// Picks departments from the tree.
import { TreeSelect } from "antd";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { buildDepartmentTree, useDepartments, type DepartmentNode } from "../api/departments";
import type { Id } from "../api/types";

interface TreeOption {
  value: Id;
  title: string;
  disabled?: boolean;
  children: TreeOption[];
}

function toOptions(nodes: DepartmentNode[], disabled: Set<string>): TreeOption[] {
  return nodes.map((n) => ({
    value: n.id,
    title: n.name,
    disabled: disabled.has(String(n.id)),
    children: toOptions(n.children, disabled),
  }));
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
  const departments = useDepartments();
  const treeData = useMemo(
    () => toOptions(buildDepartmentTree(departments.data ?? []), disabledIds ?? new Set()),
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
