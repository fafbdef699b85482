import { describe, expect, it } from "vitest";
import { loadChinaGeoJson, withFullNames } from "./china";

describe("the China map", () => {
  it("names provinces in full, by their GB/T 2260 code", () => {
    const geo = withFullNames({ type: "FeatureCollection", features: [
      { properties: { id: "62", name: "甘肃" } }, { properties: { id: "15", name: "内蒙古" } }, { properties: { name: "?" } },
    ] });
    expect(geo.features.map((f) => f.properties.name)).toEqual(["甘肃省", "内蒙古自治区", "?"]);
  });

  it("covers every province of the shipped GeoJSON", async () => {
    const geo = await loadChinaGeoJson();
    const names = geo.features.map((f) => f.properties.name);
    expect(names).toContain("北京市");
    expect(names).toContain("新疆维吾尔自治区");
    expect(names.filter((n) => !/(省|市|自治区|特别行政区)$/.test(String(n)))).toEqual([]);
  });
});
