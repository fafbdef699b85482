// The list page's view: kind and config, started from a saved view or from the form's defaults.
// Pure helpers, so the page and its tests share them.
import type { FilterNode } from "../../../api/records";
import type { ViewConfig, ViewKind } from "../../../api/views";
import type { FilterCondition } from "../../../registries/fields/types";
import { conditionReady } from "../../../registries/fields/operators";

export const DEFAULT_PAGE_SIZE = 20;
export const DEFAULT_WIDTH = 180;
export const MAX_DEFAULT_COLUMNS = 8;

export interface ViewState {
  kind: ViewKind;
  config: ViewConfig;
}

export function defaultConfig(columns: string[]): ViewConfig {
  return {
    columns: columns.slice(0, MAX_DEFAULT_COLUMNS),
    widths: {},
    frozen: [],
    sort: [],
    filter: null,
    search: null,
    page_size: DEFAULT_PAGE_SIZE,
    group_field: null,
    date_field: null,
  };
}

/** A saved config completed with defaults (older views may lack keys). */
export function withDefaults(config: Partial<ViewConfig> | undefined, columns: string[]): ViewConfig {
  const base = defaultConfig(columns);
  const merged = { ...base, ...(config ?? {}) };
  if (!merged.columns?.length) merged.columns = base.columns;
  return merged;
}

/** The filter builder's model: flat conditions joined by all (and) or any (or). */
export interface FilterModel {
  match: "and" | "or";
  conditions: FilterCondition[];
  /** a filter too nested for the builder: kept as it is, shown as a custom filter */
  custom: FilterNode | null;
}

function isCondition(node: FilterNode): node is FilterCondition {
  return typeof node === "object" && node !== null && "field" in node && "op" in node;
}

export function toModel(filter: FilterNode | null | undefined): FilterModel {
  if (!filter) return { match: "and", conditions: [], custom: null };
  if (isCondition(filter)) return { match: "and", conditions: [filter], custom: null };
  const match = "and" in filter ? "and" : "or";
  const parts = (filter as Record<string, FilterNode[]>)[match] ?? [];
  if (parts.every(isCondition)) return { match, conditions: parts as FilterCondition[], custom: null };
  return { match: "and", conditions: [], custom: filter };
}

/** The model as the records API's filter; conditions still missing their value are left out. */
export function fromModel(model: FilterModel): FilterNode | null {
  if (model.custom) return model.custom;
  const ready = model.conditions.filter((c) => c.field && c.op && conditionReady(c.op, c.value));
  if (!ready.length) return null;
  return model.match === "and" ? { and: ready } : { or: ready };
}

export function activeConditions(filter: FilterNode | null | undefined): number {
  const model = toModel(filter);
  return model.custom ? 1 : model.conditions.length;
}

/** `["-amount"]` → the antd sort order of a column. */
export function sortOrderOf(sort: string[], key: string): "ascend" | "descend" | null {
  const first = sort[0];
  if (first === key) return "ascend";
  if (first === `-${key}`) return "descend";
  return null;
}

export function sameConfig(a: ViewState, b: ViewState): boolean {
  return a.kind === b.kind && JSON.stringify(a.config) === JSON.stringify(b.config);
}
