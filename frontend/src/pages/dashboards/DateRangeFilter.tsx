// A dashboard's date filter: a preset (this month, last quarter, year to date…) that the server
// resolves, or a custom range of days.
import { DatePicker, Select, Space, Typography } from "antd";
import dayjs from "dayjs";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { DATE_PRESETS, daysOf, type DateRangeFilterValue } from "./datePresets";

interface Props {
  label: string;
  value: DateRangeFilterValue | null | undefined;
  onChange: (value: DateRangeFilterValue | null) => void;
}

const CUSTOM = "__custom";
const ANY = "__any";

export function DateRangeFilter({ label, value, onChange }: Props) {
  const { t } = useTranslation();
  const [custom, setCustom] = useState(Boolean(value && !("relative" in value)));
  const choice = value && "relative" in value ? value.relative : custom ? CUSTOM : ANY;
  const days = daysOf(value);
  const fixed = value && !("relative" in value) ? value : null;
  return (
    <Space size={4} wrap className="qq-filter">
      <Select
        aria-label={label}
        value={choice}
        style={{ minWidth: 148 }}
        popupMatchSelectWidth={false}
        onChange={(next: string) => {
          if (next === CUSTOM) {
            setCustom(true);
            return;
          }
          setCustom(false);
          onChange(next === ANY ? null : { relative: next });
        }}
        options={[
          { value: ANY, label: t("dashboards.filters.anyTime") },
          ...DATE_PRESETS.map((p) => ({ value: p, label: t(`dashboards.filters.presets.${p}`) })),
          { value: CUSTOM, label: t("dashboards.filters.custom") },
        ]}
      />
      {choice === CUSTOM ? (
        <DatePicker.RangePicker
          aria-label={t("dashboards.filters.custom")}
          allowEmpty={[true, true]}
          value={fixed ? [fixed.start ? dayjs(fixed.start) : null, fixed.end ? dayjs(fixed.end) : null] : null}
          onChange={(range) => {
            const [start, end] = range ?? [null, null];
            onChange(start || end ? { ...(start ? { start: start.format("YYYY-MM-DD") } : {}),
              ...(end ? { end: end.format("YYYY-MM-DD") } : {}) } : null);
          }}
        />
      ) : (
        days && (
          <Typography.Text type="secondary" className="qq-filter-days">
            {days[0]} – {days[1]}
          </Typography.Text>
        )
      )}
    </Space>
  );
}
