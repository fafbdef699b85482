// The date-range presets of a dashboard's date filter. The server resolves them (`relative`,
// engines/report/dates.py) in the platform's zone, so a board left on a wall stays on "this
// month" when the month turns; the page computes the same days only to show them.
import dayjs, { type Dayjs } from "dayjs";

export const DATE_PRESETS = [
  "this_month",
  "last_month",
  "this_quarter",
  "last_quarter",
  "year_to_date",
  "this_year",
  "last_year",
  "this_week",
  "last_7_days",
  "last_30_days",
  "last_90_days",
  "last_12_months",
] as const;

export type DatePreset = (typeof DATE_PRESETS)[number];

const ISO = "YYYY-MM-DD";

function periodStart(day: Dayjs, period: "week" | "month" | "quarter" | "year"): Dayjs {
  const d = day.startOf("day");
  if (period === "week") return d.subtract((d.day() + 6) % 7, "day"); // Monday, as the server's weeks
  if (period === "month") return d.startOf("month");
  if (period === "quarter") return d.month(Math.floor(d.month() / 3) * 3).startOf("month");
  return d.startOf("year");
}

const STEP = { week: [1, "week"], month: [1, "month"], quarter: [3, "month"], year: [1, "year"] } as const;

/** First and last day (both included, YYYY-MM-DD) of a preset around `today`. */
export function presetRange(preset: string, today: Dayjs | string = dayjs()): [string, string] {
  const day = dayjs(today).startOf("day");
  let start: Dayjs;
  let end: Dayjs; // exclusive
  const days = /^last_(\d+)_days$/.exec(preset);
  if (preset === "today") [start, end] = [day, day.add(1, "day")];
  else if (preset === "yesterday") [start, end] = [day.subtract(1, "day"), day];
  else if (days) [start, end] = [day.subtract(Number(days[1]) - 1, "day"), day.add(1, "day")];
  else if (preset === "last_12_months") [start, end] = [day.startOf("month").subtract(11, "month"), day.add(1, "day")];
  else if (preset === "year_to_date") [start, end] = [day.startOf("year"), day.add(1, "day")];
  else {
    const period = preset.split("_")[1] as keyof typeof STEP;
    if (!(period in STEP)) throw new Error(`unknown date preset '${preset}'`);
    const [n, unit] = STEP[period];
    start = periodStart(day, period);
    if (preset.startsWith("last_")) start = start.subtract(n, unit);
    end = start.add(n, unit);
  }
  return [start.format(ISO), end.subtract(1, "day").format(ISO)];
}

/** A date filter's value: a preset (resolved by the server) or fixed days. */
export type DateRangeFilterValue = { relative: string } | { start?: string; end?: string };

/** The days a value covers, for showing it. */
export function daysOf(value: DateRangeFilterValue | null | undefined, today?: Dayjs | string): [string, string] | null {
  if (!value) return null;
  if ("relative" in value) return presetRange(value.relative, today);
  return value.start || value.end ? [value.start ?? "", value.end ?? ""] : null;
}
