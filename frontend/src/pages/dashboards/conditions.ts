// A dashboard's global filters as the conditions of one widget's report — the same mapping the
// server makes for the board's data (runtime/reports/dashboards.py), needed where the page calls
// a report endpoint itself: the first drill-down and a widget's export.
import type { DashboardDefinition, FilterValues, RunParams, Where, Widget } from "../../api/reports";
import type { I18nText } from "../../api/reports";

const DEFAULT_FIELDS: Record<string, string> = { department: "owner_dept_id", owner: "owner_id" };

const empty = (v: unknown) =>
  v === null || v === undefined || v === "" || (Array.isArray(v) && !v.length) ||
  (typeof v === "object" && !Array.isArray(v) && !Object.keys(v as object).length);

/** `below(id)`: a department and those under it (for filters that include sub-departments). */
export function widgetConditions(
  board: DashboardDefinition,
  widget: Pick<Widget, "id" | "kind">,
  values: FilterValues,
  below: (id: string | number) => (string | number)[] = (id) => [id],
): RunParams {
  const where: Where[] = [];
  let date_range: RunParams["date_range"] = null;
  for (const f of board.filters) {
    const value = values[f.key] ?? f.default;
    if (empty(value)) continue;
    let targets = f.targets.filter((t) => t.widget === widget.id).map((t) => t.field);
    if (!f.targets.length && f.kind in DEFAULT_FIELDS && widget.kind === "report") targets = [DEFAULT_FIELDS[f.kind]];
    for (const field of targets) {
      if (f.kind === "date_range") {
        if (typeof value === "object" && !Array.isArray(value)) date_range = { ...(value as object), field };
        continue;
      }
      let ids = Array.isArray(value) ? value : [value];
      if (f.kind === "department" && (f.include_subdepartments ?? true)) {
        ids = [...new Set(ids.flatMap((id) => below(id as string | number)))];
      }
      where.push({ field, op: "in", value: ids });
    }
  }
  return { where, date_range };
}

/** The records list of a form filtered as a drill-down says (the list page reads `filter`). */
export function recordsHref(appKey: string, form: string, filter: Record<string, unknown>): string {
  return `/apps/${encodeURIComponent(appKey)}/forms/${encodeURIComponent(form)}?filter=${encodeURIComponent(JSON.stringify(filter))}`;
}

/** A builder's label in the reader's language, else the other one. */
export function textOf(label: I18nText | null | undefined, language: string): string {
  if (!label) return "";
  const zh = label.zh_CN ?? label["zh-CN"] ?? "";
  const en = label.en ?? "";
  return (language.startsWith("zh") ? zh || en : en || zh) ?? "";
}
