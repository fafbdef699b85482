// People and departments from the organisation directory (/api/directory, readable by every
// internal user): member pickers search by name, department pickers show the tree.
import { TeamOutlined, UserOutlined, ApartmentOutlined, UsergroupAddOutlined } from "@ant-design/icons";
import { Avatar, Select, Space, Tag, TreeSelect, Typography } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { buildDepartmentTree, descendantIds, type DepartmentNode } from "../../api/departments";
import { useDirectoryDepartments, useDirectoryUsers, type DirectoryDepartment, type DirectoryUser } from "../../api/forms";
import type { Department } from "../../api/types";
import { registerFieldType } from "./index";
import { LIST_OPS, REF_OPS } from "./operators";
import { EmptyCell, makeFilter, useDebounced, validator } from "./shared";
import type { CellProps, FieldDef, InputProps } from "./types";
import { checkCount } from "./validation";
import { opt, refId, refIds, refTitle, type RefId } from "./values";

const oneRef = (_f: unknown, v: unknown) => refId(v);
const manyRefs = (_f: unknown, v: unknown) => (v === null ? null : refIds(v));

const asDepartments = (items: DirectoryDepartment[]) =>
  items.map((d) => ({ ...d, head_user_id: null, head: null, member_count: 0 })) as Department[];

/** Departments a member field allows (its departments, and below them when it says so). */
function allowedDepartments(field: FieldDef, departments: DirectoryDepartment[]): Set<string> | null {
  const ids = opt<number[]>(field, "department_ids", []);
  if (!ids.length) return null;
  const all = asDepartments(departments);
  const out = new Set<string>();
  for (const id of ids) {
    if (opt(field, "include_subdepartments", true)) for (const d of descendantIds(all, id)) out.add(d);
    else out.add(String(id));
  }
  return out;
}

/** Display names of users by id, from the directory's first page (enough for most teams). */
function useUserNames(): Map<string, DirectoryUser> {
  const users = useDirectoryUsers("");
  return useMemo(() => new Map((users.data ?? []).map((u) => [String(u.id), u])), [users.data]);
}

function MemberPicker({ field, value, onChange, disabled, id, multiple }: InputProps & { multiple: boolean }) {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const q = useDebounced(search);
  const users = useDirectoryUsers(q);
  const departments = useDirectoryDepartments(opt<number[]>(field, "department_ids", []).length > 0);
  const known = useUserNames();
  const allowed = useMemo(() => allowedDepartments(field, departments.data ?? []), [field, departments.data]);
  const selected = multiple ? refIds(value) : [refId(value)].filter((v): v is RefId => v !== null);
  const options = useMemo(() => {
    const seen = new Set<string>();
    const out: { value: RefId; label: string }[] = [];
    for (const u of users.data ?? []) {
      if (allowed && !u.departments.some((d) => allowed.has(String(d.id)))) continue;
      seen.add(String(u.id));
      out.push({ value: u.id, label: `${u.display_name} (${u.username})` });
    }
    for (const s of selected) {
      if (seen.has(String(s))) continue;
      const u = known.get(String(s));
      out.push({ value: s, label: u ? `${u.display_name} (${u.username})` : `#${s}` });
    }
    return out;
  }, [users.data, allowed, selected, known]);
  return (
    <Select<RefId | RefId[]>
      id={id}
      style={{ width: "100%", minWidth: 160 }}
      mode={multiple ? "multiple" : undefined}
      value={multiple ? selected : (selected[0] ?? undefined)}
      onChange={(v) => onChange(Array.isArray(v) ? (v.length ? v : null) : (v ?? null))}
      options={options}
      allowClear
      disabled={disabled}
      maxCount={multiple ? opt<number | undefined>(field, "max_count", undefined) : undefined}
      placeholder={t("common.searchPerson")}
      loading={users.isFetching}
      notFoundContent={users.isFetching ? t("common.loading") : t("common.noMatch")}
      showSearch={{ filterOption: false, onSearch: setSearch }}
    />
  );
}

interface TreeOption {
  value: RefId;
  title: string;
  children: TreeOption[];
}

function toTree(nodes: DepartmentNode[]): TreeOption[] {
  return nodes.map((n) => ({ value: n.id, title: n.name, children: toTree(n.children) }));
}

function findRoots(nodes: DepartmentNode[], roots: Set<string>): DepartmentNode[] {
  return nodes.flatMap((n) => (roots.has(String(n.id)) ? [n] : findRoots(n.children, roots)));
}

function DepartmentPicker({ field, value, onChange, disabled, id, multiple }: InputProps & { multiple: boolean }) {
  const { t } = useTranslation();
  const departments = useDirectoryDepartments();
  const treeData = useMemo(() => {
    const forest = buildDepartmentTree(asDepartments(departments.data ?? []));
    const roots = opt<number[]>(field, "root_department_ids", []);
    return toTree(roots.length ? findRoots(forest, new Set(roots.map(String))) : forest);
  }, [departments.data, field]);
  const selected = multiple ? refIds(value) : (refId(value) ?? undefined);
  return (
    <TreeSelect
      id={id}
      style={{ width: "100%", minWidth: 160 }}
      value={selected}
      onChange={(v: RefId | RefId[] | undefined) => onChange(Array.isArray(v) ? (v.length ? v : null) : (v ?? null))}
      treeData={treeData}
      multiple={multiple}
      allowClear
      disabled={disabled}
      treeDefaultExpandAll
      showSearch
      treeNodeFilterProp="title"
      loading={departments.isLoading}
      placeholder={t("common.chooseDepartment")}
      notFoundContent={t("common.noMatch")}
    />
  );
}

export const MemberInput = (p: InputProps) => <MemberPicker {...p} multiple={false} />;
export const MembersInput = (p: InputProps) => <MemberPicker {...p} multiple />;
const DepartmentInput = (p: InputProps) => <DepartmentPicker {...p} multiple={false} />;
const DepartmentsInput = (p: InputProps) => <DepartmentPicker {...p} multiple />;

export function PeopleCell({ value, mode }: CellProps) {
  const known = useUserNames();
  const ids = refIds(value);
  if (!ids.length) return <EmptyCell mode={mode} />;
  const list = Array.isArray(value) ? value : [value];
  return (
    <Space size={4} wrap={mode === "full"}>
      {ids.map((id, i) => {
        const name = refTitle(list[i]) ?? known.get(String(id))?.display_name ?? `#${id}`;
        return (
          <span key={String(id)} style={{ whiteSpace: "nowrap" }}>
            <Avatar size="small" style={{ backgroundColor: "#1f4fd6" }}>
              {name.replace(/^#/, "").slice(0, 1).toUpperCase()}
            </Avatar>{" "}
            <Typography.Text>{name}</Typography.Text>
          </span>
        );
      })}
    </Space>
  );
}

function DepartmentCell({ value, mode }: CellProps) {
  const departments = useDirectoryDepartments();
  const names = useMemo(() => new Map((departments.data ?? []).map((d) => [String(d.id), d.name])), [departments.data]);
  const ids = refIds(value);
  if (!ids.length) return <EmptyCell mode={mode} />;
  return (
    <span>
      {ids.map((id) => (
        <Tag key={String(id)} icon={<ApartmentOutlined />}>
          {names.get(String(id)) ?? `#${id}`}
        </Tag>
      ))}
    </span>
  );
}

const idsText = (_f: unknown, v: unknown) => refIds(v).map((id) => `#${id}`).join(", ");

registerFieldType({
  type: "member",
  toInput: oneRef,
  icon: <UserOutlined />,
  Input: MemberInput,
  Cell: PeopleCell,
  operators: REF_OPS,
  Filter: makeFilter({ Input: MemberInput, Many: MembersInput }),
  text: idsText,
});

registerFieldType({
  type: "members",
  toInput: manyRefs,
  icon: <TeamOutlined />,
  Input: MembersInput,
  Cell: PeopleCell,
  operators: LIST_OPS,
  Filter: makeFilter({ Input: MembersInput, Many: MembersInput }),
  validate: validator(checkCount),
  text: idsText,
});

registerFieldType({
  type: "department",
  toInput: oneRef,
  icon: <ApartmentOutlined />,
  Input: DepartmentInput,
  Cell: DepartmentCell,
  operators: REF_OPS,
  Filter: makeFilter({ Input: DepartmentInput, Many: DepartmentsInput }),
  text: idsText,
});

registerFieldType({
  type: "departments",
  toInput: manyRefs,
  icon: <UsergroupAddOutlined />,
  Input: DepartmentsInput,
  Cell: DepartmentCell,
  operators: LIST_OPS,
  Filter: makeFilter({ Input: DepartmentsInput, Many: DepartmentsInput }),
  validate: validator(checkCount),
  text: idsText,
});
