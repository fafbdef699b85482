// Where each widget sits: its GridPos (x, y, w, h) on a grid of 24 columns — 48 when a widget
// reaches past the 24th — in rows of ROW_HEIGHT pixels. CSS grid places them; on a phone they
// stack in reading order (top to bottom, then left to right).
import type { GridPos, Widget } from "../../api/reports";

export const ROW_HEIGHT = 44;
export const GAP = 12;

export function gridColumns(widgets: Pick<Widget, "grid">[]): 24 | 48 {
  return widgets.some((w) => w.grid.x + w.grid.w > 24) ? 48 : 24;
}

/** The CSS grid placement of a widget (1-based lines; clipped to the grid's width). */
export function placement(grid: GridPos, columns: number): { gridColumn: string; gridRow: string } {
  const x = Math.min(Math.max(grid.x, 0), columns - 1);
  const w = Math.max(1, Math.min(grid.w, columns - x));
  return { gridColumn: `${x + 1} / span ${w}`, gridRow: `${grid.y + 1} / span ${Math.max(1, grid.h)}` };
}

/** Widgets in reading order, for one column. */
export function readingOrder<T extends Pick<Widget, "grid">>(widgets: T[]): T[] {
  return [...widgets].sort((a, b) => a.grid.y - b.grid.y || a.grid.x - b.grid.x);
}

/** The height of a chart stacked alone on a phone: its rows, within what reads well on a phone screen. */
export function stackedHeight(grid: GridPos): number {
  return Math.min(Math.max(grid.h * ROW_HEIGHT + (grid.h - 1) * GAP, 240), 400);
}
