import { describe, expect, it } from "vitest";
import { buildDepartmentTree, descendantIds } from "./departments";
import type { Department } from "./types";

function dept(id: number, name: string, parent_id: number | null, sort = 0): Department {
  return { id, name, parent_id, sort, head_user_id: null, head: null, member_count: 0 };
}

describe("the department tree", () => {
  const flat = [
    dept(1, "总部", null),
    dept(2, "销售部", 1, 2),
    dept(3, "研发部", 1, 1),
    dept(4, "华东区", 2),
    dept(5, "Orphan", 99),
  ];

  it("nests children under parents, ordered by sort", () => {
    const roots = buildDepartmentTree(flat);
    expect(roots.map((r) => r.name)).toEqual(["Orphan", "总部"].sort((a, b) => a.localeCompare(b)));
    const hq = roots.find((r) => r.id === 1)!;
    expect(hq.children.map((c) => c.name)).toEqual(["研发部", "销售部"]);
    expect(hq.children[1].children[0].name).toBe("华东区");
    expect(hq.children[1].children[0].depth).toBe(2);
  });

  it("keeps departments in a cycle visible instead of losing them", () => {
    const roots = buildDepartmentTree([dept(1, "A", 2), dept(2, "B", 1)]);
    const all = (nodes: typeof roots): string[] => nodes.flatMap((n) => [n.name, ...all(n.children)]);
    expect(all(roots).sort()).toEqual(["A", "B"]);
  });

  it("lists a department and everything below it as move targets to refuse", () => {
    expect([...descendantIds(flat, 2)].sort()).toEqual(["2", "4"]);
    expect(descendantIds(flat, 3)).toEqual(new Set(["3"]));
  });
});
