// Coordinates: a phone's GPS gives WGS-84; maps in China use GCJ-02 (and Baidu BD-09), so a
// point is converted to the datum the field stores. The published approximation (accurate to
// a few metres), applied only inside China's bounding box as the maps themselves do.
const A = 6378245.0;
const EE = 0.00669342162296594323;

export type Datum = "wgs84" | "gcj02" | "bd09";

export function outOfChina(lat: number, lng: number): boolean {
  return lng < 72.004 || lng > 137.8347 || lat < 0.8293 || lat > 55.8271;
}

function transformLat(x: number, y: number): number {
  let ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(y * Math.PI) + 40.0 * Math.sin((y / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((160.0 * Math.sin((y / 12.0) * Math.PI) + 320 * Math.sin((y * Math.PI) / 30.0)) * 2.0) / 3.0;
  return ret;
}

function transformLng(x: number, y: number): number {
  let ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * Math.sqrt(Math.abs(x));
  ret += ((20.0 * Math.sin(6.0 * x * Math.PI) + 20.0 * Math.sin(2.0 * x * Math.PI)) * 2.0) / 3.0;
  ret += ((20.0 * Math.sin(x * Math.PI) + 40.0 * Math.sin((x / 3.0) * Math.PI)) * 2.0) / 3.0;
  ret += ((150.0 * Math.sin((x / 12.0) * Math.PI) + 300.0 * Math.sin((x / 30.0) * Math.PI)) * 2.0) / 3.0;
  return ret;
}

export function wgs84ToGcj02(lat: number, lng: number): [number, number] {
  if (outOfChina(lat, lng)) return [lat, lng];
  let dLat = transformLat(lng - 105.0, lat - 35.0);
  let dLng = transformLng(lng - 105.0, lat - 35.0);
  const radLat = (lat / 180.0) * Math.PI;
  let magic = Math.sin(radLat);
  magic = 1 - EE * magic * magic;
  const sqrtMagic = Math.sqrt(magic);
  dLat = (dLat * 180.0) / (((A * (1 - EE)) / (magic * sqrtMagic)) * Math.PI);
  dLng = (dLng * 180.0) / ((A / sqrtMagic) * Math.cos(radLat) * Math.PI);
  return [lat + dLat, lng + dLng];
}

export function gcj02ToBd09(lat: number, lng: number): [number, number] {
  const xPi = (Math.PI * 3000.0) / 180.0;
  const z = Math.sqrt(lng * lng + lat * lat) + 0.00002 * Math.sin(lat * xPi);
  const theta = Math.atan2(lat, lng) + 0.000003 * Math.cos(lng * xPi);
  return [z * Math.sin(theta) + 0.006, z * Math.cos(theta) + 0.0065];
}

/** A GPS fix in the datum a field stores, rounded to 7 decimals as the server keeps it. */
export function fromGps(lat: number, lng: number, datum: Datum): { lat: number; lng: number } {
  let point: [number, number] = [lat, lng];
  if (datum !== "wgs84") point = wgs84ToGcj02(lat, lng);
  if (datum === "bd09") point = gcj02ToBd09(point[0], point[1]);
  const round = (n: number) => Math.round(n * 1e7) / 1e7;
  return { lat: round(point[0]), lng: round(point[1]) };
}

/** The dataset codes along a stored division code (GB/T 2260, 6 or 9 digits), `depth` levels deep. */
export function regionPath(code: string, depth: number): string[] {
  const widths = [2, 4, 6, 9];
  const out: string[] = [];
  for (let i = 0; i < depth && i < widths.length; i += 1) {
    if (code.length < widths[i]) break;
    const part = code.slice(0, widths[i]);
    if (i > 0 && /^0+$/.test(part.slice(widths[i - 1]))) break; // "440000": a province only
    out.push(part);
  }
  return out;
}
