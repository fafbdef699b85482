import { describe, expect, it } from "vitest";
import { formatNumber, trimZeros, withFormatters } from "./format";

describe("number formats (as the server writes them)", () => {
  it("shows plain numbers grouped, whole numbers without decimals", () => {
    expect(formatNumber(1234567, undefined, "en")).toBe("1,234,567");
    expect(formatNumber(1234.5, undefined, "en")).toBe("1,234.50");
    expect(formatNumber(3, { decimals: 1 }, "en")).toBe("3.0");
  });

  it("uses 万 and 亿 units above ten thousand and a hundred million", () => {
    expect(formatNumber(12345, { style: "wan" }, "zh-CN")).toBe("1.23万");
    expect(formatNumber(250000000, { style: "wan" }, "zh-CN")).toBe("2.50亿");
    expect(formatNumber(-56000, { style: "wan", decimals: 1 }, "zh-CN")).toBe("-5.6万");
    expect(formatNumber(9999, { style: "wan" }, "zh-CN")).toBe("9,999");
  });

  it("shows fractions as percent and money with its symbol", () => {
    expect(formatNumber(0.256, { style: "percent" }, "en")).toBe("25.6%");
    expect(formatNumber(0.5, { style: "percent", decimals: 0 }, "en")).toBe("50%");
    expect(formatNumber(-1234.5, { style: "currency", currency: "CNY" }, "en")).toBe("-¥1,234.50");
    expect(formatNumber(10, { style: "currency", currency: "CHF" }, "en")).toBe("CHF 10.00");
    expect(formatNumber(7, { suffix: " pcs" }, "en")).toBe("7 pcs");
  });

  it("trims zeros that say nothing from axis ticks", () => {
    expect(trimZeros("15.00万")).toBe("15万");
    expect(trimZeros("12.0%")).toBe("12%");
    expect(trimZeros("1,250.50")).toBe("1,250.5");
    expect(trimZeros("1,200")).toBe("1,200");
  });

  it("makes room beside a pie for its labels", () => {
    const option = withFormatters({ series: [{ type: "pie", radius: "70%", data: [{ value: 1, label: { show: true } }] },
      { type: "pie", radius: ["45%", "70%"], data: [{ value: 1 }] }] }, "en");
    const [labelled, plain] = option.series as { radius: unknown }[];
    expect(labelled.radius).toBe("53%");
    expect(plain.radius).toEqual(["45%", "70%"]);
  });

  it("formats a gauge's scale like the axes", () => {
    const option = withFormatters({ qq: { format: { style: "wan", decimals: null, currency: "CNY", suffix: "" } },
      series: [{ type: "gauge", data: [{ value: 1 }] }] }, "zh-CN");
    const gauge = (option.series as { axisLabel: { formatter: (v: number) => string } }[])[0];
    expect(gauge.axisLabel.formatter(300000)).toBe("30万");
  });

  it("shows a blank as a dash", () => {
    expect(formatNumber(null, undefined)).toBe("-");
    expect(formatNumber(Number.NaN, undefined)).toBe("-");
  });

  it("gives value axes and tooltips formatter functions, and leaves category axes alone", () => {
    const option = withFormatters(
      {
        qq: { format: { style: "wan", decimals: null, currency: "CNY", suffix: "" } },
        xAxis: { type: "category", data: ["a"] },
        yAxis: [{ type: "value" }, { type: "value", splitLine: { show: false } }],
        tooltip: { trigger: "axis" },
      },
      "zh-CN",
      true,
    );
    const axes = option.yAxis as { axisLabel: { formatter: (v: number) => string } }[];
    expect(axes[1].axisLabel.formatter(20000)).toBe("2万");
    expect(axes[1].axisLabel.formatter(25000)).toBe("2.5万");
    expect((option.xAxis as Record<string, unknown>).axisLabel).toBeUndefined();
    expect((option.tooltip as { valueFormatter: (v: number) => string }).valueFormatter(5)).toBe("5");
    expect(option.animation).toBe(false);
  });
});
