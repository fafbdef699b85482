// The global filters above a dashboard: date range, department (with sub-departments), owner and
// select values. On a public link only the filters that need no directory are offered.
import { Button, Select, Space } from "antd";
import { useTranslation } from "react-i18next";
import type { FilterValues, GlobalFilter } from "../../api/reports";
import type { Id } from "../../api/types";
import { DepartmentTreeSelect } from "../../components/DepartmentTreeSelect";
import { UserSelect } from "../../components/UserSelect";
import { textOf } from "./conditions";
import { DateRangeFilter } from "./DateRangeFilter";
import type { DateRangeFilterValue } from "./datePresets";

export interface SelectOption {
  value: string | number;
  label: string;
}

interface Props {
  filters: GlobalFilter[];
  values: FilterValues;
  onChange: (key: string, value: unknown) => void;
  onClear: () => void;
  /** No sign-in: department and owner filters (they read the directory) are not offered. */
  publicView?: boolean;
  optionsFor: (filter: GlobalFilter) => SelectOption[];
}

export function shownFilters(filters: GlobalFilter[], publicView: boolean): GlobalFilter[] {
  return publicView ? filters.filter((f) => f.kind === "date_range" || f.kind === "select") : filters;
}

export function FiltersBar({ filters, values, onChange, onClear, publicView = false, optionsFor }: Props) {
  const { t, i18n } = useTranslation();
  const shown = shownFilters(filters, publicView);
  if (!shown.length) return null;
  const language = i18n.resolvedLanguage ?? i18n.language;
  const labelOf = (f: GlobalFilter) =>
    textOf(f.label, language) ||
    t(
      f.kind === "date_range" ? "dashboards.filters.dateRange" : f.kind === "department" ? "dashboards.filters.department"
        : f.kind === "owner" ? "dashboards.filters.owner" : "dashboards.filters.select",
    );
  const anySet = shown.some((f) => {
    const v = values[f.key];
    return v !== undefined && v !== null && !(Array.isArray(v) && !v.length);
  });
  return (
    <div className="qq-filters" role="group" aria-label={t("dashboards.filters.label")}>
      {shown.map((f) => {
        const label = labelOf(f);
        const value = values[f.key];
        let control: React.ReactNode;
        if (f.kind === "date_range") {
          control = (
            <DateRangeFilter label={label} value={value as DateRangeFilterValue | null}
              onChange={(v) => onChange(f.key, v)} />
          );
        } else if (f.kind === "department") {
          control = (
            <DepartmentTreeSelect<Id[]>
              aria-label={label}
              multiple
              value={(value as Id[] | undefined) ?? []}
              onChange={(v) => onChange(f.key, v?.length ? v : null)}
              placeholder={t("dashboards.filters.any")}
              style={{ minWidth: 180 }}
            />
          );
        } else if (f.kind === "owner") {
          control = (
            <UserSelect
              aria-label={label}
              value={Array.isArray(value) ? (value[0] as Id) : ((value as Id | undefined) ?? null)}
              onChange={(v) => onChange(f.key, v === null ? null : [v])}
              placeholder={t("dashboards.filters.any")}
              style={{ minWidth: 180 }}
            />
          );
        } else {
          control = (
            <Select
              aria-label={label}
              mode="multiple"
              allowClear
              value={(value as (string | number)[] | undefined) ?? []}
              onChange={(v: (string | number)[]) => onChange(f.key, v.length ? v : null)}
              options={optionsFor(f)}
              placeholder={t("dashboards.filters.any")}
              style={{ minWidth: 160 }}
              maxTagCount="responsive"
              optionFilterProp="label"
            />
          );
        }
        return (
          <Space key={f.key} size={6} className="qq-filter-item">
            <span className="qq-filter-label">{label}</span>
            {control}
          </Space>
        );
      })}
      {anySet && (
        <Button type="link" size="small" onClick={onClear}>
          {t("dashboards.filters.clear")}
        </Button>
      )}
    </div>
  );
}
