import { describe, expect, it } from "vitest";
import { gridColumns, placement, readingOrder, stackedHeight } from "./grid";

const w = (x: number, y: number, width: number, h = 4) => ({ grid: { x, y, w: width, h } });

describe("grid placement", () => {
  it("uses 24 columns unless a widget reaches past them", () => {
    expect(gridColumns([w(0, 0, 12), w(12, 0, 12)])).toBe(24);
    expect(gridColumns([w(24, 0, 12)])).toBe(48);
  });

  it("places a widget by its position and span, clipped to the grid", () => {
    expect(placement({ x: 6, y: 4, w: 6, h: 8 }, 24)).toEqual({ gridColumn: "7 / span 6", gridRow: "5 / span 8" });
    expect(placement({ x: 20, y: 0, w: 10, h: 4 }, 24)).toEqual({ gridColumn: "21 / span 4", gridRow: "1 / span 4" });
  });

  it("stacks widgets top to bottom, then left to right, on a phone", () => {
    const order = readingOrder([w(12, 0, 12), w(0, 4, 24), w(0, 0, 12)]);
    expect(order.map((o) => [o.grid.x, o.grid.y])).toEqual([[0, 0], [12, 0], [0, 4]]);
  });

  it("keeps a stacked chart between a readable and a phone-sized height", () => {
    expect(stackedHeight({ x: 0, y: 0, w: 6, h: 2 })).toBe(240);
    expect(stackedHeight({ x: 0, y: 0, w: 6, h: 6 })).toBe(6 * 44 + 5 * 12);
    expect(stackedHeight({ x: 0, y: 0, w: 6, h: 20 })).toBe(400);
  });
});
