// Admin: the department tree. The server sends a flat list; the tree is built here.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import type { Department, Id, Items } from "./types";

const departmentsKey = ["admin", "departments"] as const;

export function useDepartments() {
  return useQuery({
    queryKey: departmentsKey,
    queryFn: ({ signal }) => api.get<Items<Department>>("/api/admin/departments", undefined, signal),
    select: (page) => page.items,
  });
}

export interface DepartmentInput {
  name?: string;
  parent_id?: Id | null;
  head_user_id?: Id | null;
  sort?: number;
}

function useInvalidate() {
  const qc = useQueryClient();
  // The pickers read the directory (api/forms.ts): it changes with the tree too.
  return () => Promise.all([qc.invalidateQueries({ queryKey: departmentsKey }),
                            qc.invalidateQueries({ queryKey: ["directory"] })]);
}

export function useCreateDepartment() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: DepartmentInput & { name: string }) =>
      api.post<Department>("/api/admin/departments", input),
    onSuccess: invalidate,
  });
}

export function useUpdateDepartment() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, change }: { id: Id; change: DepartmentInput }) =>
      api.patch<Department>(`/api/admin/departments/${id}`, change),
    onSuccess: invalidate,
  });
}

export function useDeleteDepartment() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: Id) => api.delete(`/api/admin/departments/${id}`),
    onSuccess: invalidate,
  });
}

export interface DepartmentNode extends Department {
  children: DepartmentNode[];
  depth: number;
}

/**
 * Builds the forest from the flat list, siblings ordered by `sort` then name. A node whose
 * parent is missing (or that sits in a cycle) becomes a root rather than disappearing.
 */
export function buildDepartmentTree(items: Department[]): DepartmentNode[] {
  const nodes = new Map<string, DepartmentNode>();
  for (const d of items) nodes.set(String(d.id), { ...d, children: [], depth: 0 });

  const roots: DepartmentNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.parent_id == null ? undefined : nodes.get(String(node.parent_id));
    if (parent && !isAncestor(node, parent, nodes)) parent.children.push(node);
    else roots.push(node);
  }

  const order = (list: DepartmentNode[], depth: number) => {
    list.sort((a, b) => a.sort - b.sort || a.name.localeCompare(b.name));
    for (const n of list) {
      n.depth = depth;
      order(n.children, depth + 1);
    }
  };
  order(roots, 0);
  return roots;
}

function isAncestor(node: DepartmentNode, candidate: DepartmentNode, nodes: Map<string, DepartmentNode>): boolean {
  // Walks up from candidate; meeting node means node → candidate → … → node is a cycle.
  const seen = new Set<string>();
  let cur: DepartmentNode | undefined = candidate;
  while (cur) {
    const key = String(cur.id);
    if (key === String(node.id)) return true;
    if (seen.has(key)) return false;
    seen.add(key);
    cur = cur.parent_id == null ? undefined : nodes.get(String(cur.parent_id));
  }
  return false;
}

/** Ids of a department and everything below it: the targets a move may not choose. */
export function descendantIds(items: Department[], id: Id): Set<string> {
  const byParent = new Map<string, Department[]>();
  for (const d of items) {
    const key = d.parent_id == null ? "" : String(d.parent_id);
    byParent.set(key, [...(byParent.get(key) ?? []), d]);
  }
  const out = new Set<string>([String(id)]);
  const stack = [String(id)];
  while (stack.length) {
    for (const child of byParent.get(stack.pop()!) ?? []) {
      const key = String(child.id);
      if (!out.has(key)) {
        out.add(key);
        stack.push(key);
      }
    }
  }
  return out;
}
