import { describe, expect, it } from "vitest";
import { fromGps, regionPath, wgs84ToGcj02 } from "./geo";
import { operandShape, conditionReady } from "./operators";
import { htmlToText, safeUrl } from "./sanitize";
import {
  cascaderLabels,
  fillUrlTemplate,
  formatMoney,
  formatNumber,
  formatPercent,
  groupThousands,
  pickText,
  refIds,
  sameValue,
  sumColumn,
} from "./values";

describe("formatting per locale", () => {
  it("formats numbers with precision, grouping and unit", () => {
    expect(formatNumber("1234567.5", { precision: 2, lang: "en" })).toBe("1,234,567.50");
    expect(formatNumber("1234", { precision: 0, thousands: false, unit: "kg", lang: "en" })).toBe("1234 kg");
    expect(formatNumber(null, { lang: "en" })).toBe("");
  });
  it("formats money with its currency", () => {
    expect(formatMoney("1234.5", { currency: "USD", lang: "en" })).toBe("$1,234.50");
    expect(formatMoney("1234.5", { currency: "CNY", lang: "zh-CN" })).toContain("1,234.50");
    expect(formatMoney("5", { currency: "JPY", precision: 0, lang: "en" })).toContain("5");
  });
  it("formats percentages as stored (12.5 means 12.5 %)", () => {
    expect(formatPercent("12.5", { precision: 1, lang: "en" })).toBe("12.5%");
  });
  it("groups thousands in an input without touching decimals", () => {
    expect(groupThousands("1234567.1234")).toBe("1,234,567.1234");
    expect(groupThousands("-1000")).toBe("-1,000");
  });
});

describe("values", () => {
  it("picks the reader's language, falling back", () => {
    expect(pickText({ "zh-CN": "\u5ba2\u6237", en: "Customer" }, "en")).toBe("Customer");
    expect(pickText({ en: "Customer" }, "zh-CN")).toBe("Customer");
  });
  it("reads reference ids from ids and expanded records", () => {
    expect(refIds([1, { id: 2, title: "B" }, null])).toEqual([1, 2]);
  });
  it("compares decimals by value, references by id, and empties alike", () => {
    expect(sameValue("1.50", "1.5")).toBe(true);
    expect(sameValue("007", "7")).toBe(false);
    expect(sameValue({ id: 3, title: "X" }, 3)).toBe(true);
    expect(sameValue(null, [])).toBe(true);
    expect(sameValue(["a", "b"], ["b", "a"])).toBe(false);
    expect(sameValue({ code: "440305", detail: "x" }, { detail: "x", code: "440305" })).toBe(true);
  });
  it("sums a subform column", () => {
    expect(sumColumn([{ q: "1.1" }, { q: "2.2" }, { q: null }], "q", 2)).toBe(3.3);
    expect(sumColumn([{ q: null }], "q")).toBeNull();
  });
  it("names a cascader path, keeping values no longer in the tree", () => {
    const tree = [{ value: "east", label: { en: "East" }, children: [{ value: "sh", label: { en: "Shanghai" } }] }];
    expect(cascaderLabels(tree, ["east", "sh"], "en")).toEqual(["East", "Shanghai"]);
    expect(cascaderLabels(tree, ["east", "gone"], "en")).toEqual(["East", "gone"]);
  });
});

describe("button links", () => {
  it("fills placeholders URL-encoded", () => {
    expect(fillUrlTemplate("https://map.example.com/?q={city}&id={id}", { city: "a b&c", id: 7 })).toBe(
      "https://map.example.com/?q=a%20b%26c&id=7",
    );
  });
  it("never produces a script link", () => {
    expect(fillUrlTemplate("{x}", { x: "javascript:alert(1)" })).toBeNull();
    expect(fillUrlTemplate("//evil.example.com", {})).toBeNull();
    expect(fillUrlTemplate("/apps/crm", {})).toBe("/apps/crm");
  });
});

describe("filters", () => {
  it("knows what each operator takes", () => {
    expect(operandShape("empty")).toBe("none");
    expect(operandShape("has_any")).toBe("many");
    expect(operandShape("between")).toBe("range");
    expect(operandShape("contains")).toBe("fragment");
    expect(operandShape("within")).toBe("division");
    expect(conditionReady("between", [1, null])).toBe(false);
    expect(conditionReady("in", [1])).toBe(true);
    expect(conditionReady("not_empty", undefined)).toBe(true);
  });
});

describe("places", () => {
  it("converts a GPS fix to China's map datum, and leaves points abroad alone", () => {
    const [lat, lng] = wgs84ToGcj02(39.9087, 116.3975);
    expect(lat).toBeGreaterThan(39.909);
    expect(lng).toBeGreaterThan(116.403);
    expect(wgs84ToGcj02(51.5, -0.12)).toEqual([51.5, -0.12]);
    expect(fromGps(39.9087, 116.3975, "wgs84")).toEqual({ lat: 39.9087, lng: 116.3975 });
  });
  it("walks a stored division code back to the picker's path", () => {
    expect(regionPath("440305", 3)).toEqual(["44", "4403", "440305"]);
    expect(regionPath("440300", 2)).toEqual(["44", "4403"]);
    expect(regionPath("440305007", 4)).toEqual(["44", "4403", "440305", "440305007"]);
    expect(regionPath("440000", 1)).toEqual(["44"]);
  });
});

describe("rich text", () => {
  it("reads the text of HTML for one-line cells", () => {
    expect(htmlToText("<p>a &amp; b</p><p>c</p>")).toBe("a & b c");
  });
  it("allows only web, mail and phone links, and http(s) images", () => {
    expect(safeUrl("https://example.com")).toBe(true);
    expect(safeUrl("javascript:alert(1)")).toBe(false);
    expect(safeUrl(" JaVaScRiPt:alert(1)")).toBe(false);
    expect(safeUrl("mailto:a@b.c")).toBe(true);
    expect(safeUrl("data:image/png;base64,xx", true)).toBe(false);
  });
});
