// The app menu as the arranger edits it: one flat, sortable list of rows where a group row
// holds the rows after it, up to the next group. Entries before the first group stand alone.
import type { MenuItem } from "../../api/apps";

export interface MenuRow {
  id: string;
  item: MenuItem;
}

let seq = 0;
const rowId = (item: MenuItem) =>
  item.type === "form" || item.type === "dashboard" ? `${item.type}:${item.key}` : `${item.type}:${++seq}`;

/** The flat rows of a menu: ungrouped entries first, then each group followed by its entries. */
export function toRows(menu: MenuItem[]): MenuRow[] {
  const loose = menu.filter((m) => m.type !== "group");
  const groups = menu.filter((m) => m.type === "group");
  const rows: MenuRow[] = loose.map((item) => ({ id: rowId(item), item }));
  for (const group of groups) {
    const { children, ...rest } = group;
    rows.push({ id: rowId(group), item: rest });
    for (const child of children ?? []) if (child.type !== "group") rows.push({ id: rowId(child), item: child });
  }
  return rows;
}

/** The menu the server stores, back from the rows. */
export function fromRows(rows: MenuRow[]): MenuItem[] {
  const menu: MenuItem[] = [];
  let group: MenuItem | null = null;
  for (const { item } of rows) {
    if (item.type === "group") {
      group = { ...item, children: [] };
      menu.push(group);
    } else if (group) {
      group.children!.push(item);
    } else {
      menu.push(item);
    }
  }
  return menu;
}

/** Which rows sit inside a group (for indenting them). */
export function groupedRows(rows: MenuRow[]): Set<string> {
  const inside = new Set<string>();
  let inGroup = false;
  for (const row of rows) {
    if (row.item.type === "group") inGroup = true;
    else if (inGroup) inside.add(row.id);
  }
  return inside;
}

export function newGroupRow(label: Record<string, string>): MenuRow {
  const item: MenuItem = { type: "group", label };
  return { id: rowId(item), item };
}
