// The calendar view: a month of records placed on a date field; a click opens the record.
import { Button, Calendar, Grid, List, Typography } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useRecords, type FilterNode, type RecordValues } from "../../../api/records";
import type { FieldDef } from "../../../registries/fields/types";
import { recordPath } from "../paths";
import { recordTitle } from "../fieldKit";

const CALENDAR_LIMIT = 500;
const PER_DAY = 3;

interface Props {
  appKey: string;
  formKey: string;
  dateField: FieldDef;
  titleKey: string | null;
  filter: FilterNode | null;
  search: string | null;
}

function dayOf(value: unknown): string | null {
  if (typeof value !== "string" || !value) return null;
  const d = dayjs(value);
  return d.isValid() ? d.format("YYYY-MM-DD") : null;
}

export default function CalendarView({ appKey, formKey, dateField, titleKey, filter, search }: Props) {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const wide = screens.md ?? true;
  const [month, setMonth] = useState<Dayjs>(() => dayjs().startOf("month"));
  const [picked, setPicked] = useState<Dayjs>(() => dayjs());

  // The grid shows parts of the weeks around the month: ask for those days too.
  const from = month.startOf("month").subtract(7, "day").format("YYYY-MM-DD");
  const to = month.endOf("month").add(14, "day").format("YYYY-MM-DD");
  const range = { field: dateField.key, op: "between", value: [from, to] };
  const query = { filter: (filter ? { and: [filter, range] } : range) as FilterNode, search, sort: [dateField.key], limit: CALENDAR_LIMIT, page: 1 };
  const records = useRecords(appKey, formKey, query);

  const byDay = useMemo(() => {
    const map = new Map<string, RecordValues[]>();
    for (const r of records.data?.items ?? []) {
      const day = dayOf(r[dateField.key]);
      if (!day) continue;
      if (!map.has(day)) map.set(day, []);
      map.get(day)!.push(r);
    }
    return map;
  }, [records.data, dateField.key]);

  const open = (r: RecordValues) => navigate(recordPath(appKey, formKey, r.id));
  const entries = (day: Dayjs) => byDay.get(day.format("YYYY-MM-DD")) ?? [];

  return (
    <div className="qq-calendar" aria-busy={records.isFetching}>
      <Calendar
        fullscreen={wide}
        value={picked}
        onSelect={(d) => setPicked(d)}
        onPanelChange={(d) => setMonth(d.startOf("month"))}
        cellRender={(d, info) => {
          if (info.type !== "date") return info.originNode;
          const list = entries(d);
          if (!list.length) return null;
          if (!wide) return <span className="qq-calendar-dot" aria-label={t("runtime.calendar.count", { count: list.length })} />;
          return (
            <ul className="qq-calendar-entries">
              {list.slice(0, PER_DAY).map((r) => (
                <li key={r.id}>
                  <Button
                    type="link"
                    size="small"
                    className="qq-calendar-entry"
                    onClick={(e) => {
                      e.stopPropagation();
                      open(r);
                    }}
                  >
                    {recordTitle(r, titleKey, r.id)}
                  </Button>
                </li>
              ))}
              {list.length > PER_DAY ? (
                <li>
                  <Typography.Text type="secondary">{t("runtime.calendar.more", { count: list.length - PER_DAY })}</Typography.Text>
                </li>
              ) : null}
            </ul>
          );
        }}
      />
      {!wide || entries(picked).length > PER_DAY ? (
        <List
          header={new Intl.DateTimeFormat(i18n.resolvedLanguage ?? "zh-CN", { dateStyle: "long" }).format(picked.toDate())}
          dataSource={entries(picked)}
          locale={{ emptyText: t("runtime.calendar.nothing") }}
          renderItem={(r) => (
            <List.Item>
              <Button type="link" onClick={() => open(r)}>
                {recordTitle(r, titleKey, r.id)}
              </Button>
            </List.Item>
          )}
        />
      ) : null}
    </div>
  );
}
