// Dates, moments and times of day, with antd's pickers (dayjs). Values travel as the records
// API has them: "YYYY-MM-DD", ISO date-times with offset, "HH:MM[:SS]".
import { CalendarOutlined, ClockCircleOutlined, FieldTimeOutlined } from "@ant-design/icons";
import { DatePicker, TimePicker } from "antd";
import dayjs, { type Dayjs } from "dayjs";
import { registerFieldType } from "./index";
import { ORDERED_OPS } from "./operators";
import { makeFilter, textCell, validator } from "./shared";
import type { FieldDef, InputProps } from "./types";
import { checkDate, checkTime } from "./validation";
import { opt } from "./values";
import { displayDate, displayDateTime, parseTimeOfDay } from "./dates";

function DateInput({ field, value, onChange, disabled, id }: InputProps) {
  const format = opt(field, "format", "YYYY-MM-DD");
  const month = format === "YYYY-MM";
  const min = opt<string | null>(field, "min", null);
  const max = opt<string | null>(field, "max", null);
  const v = typeof value === "string" && value ? dayjs(value) : null;
  return (
    <DatePicker
      id={id}
      style={{ width: "100%" }}
      picker={month ? "month" : "date"}
      format={format === "YYYY-MM-DD" ? undefined : format}
      value={v && v.isValid() ? v : null}
      onChange={(d: Dayjs | null) => onChange(d ? (month ? d.startOf("month") : d).format("YYYY-MM-DD") : null)}
      disabled={disabled}
      disabledDate={(d) => (!!min && d.format("YYYY-MM-DD") < min) || (!!max && d.format("YYYY-MM-DD") > max)}
    />
  );
}

function DateTimeInput({ value, onChange, disabled, id }: InputProps) {
  const v = typeof value === "string" && value ? dayjs(value) : null;
  return (
    <DatePicker
      id={id}
      style={{ width: "100%" }}
      showTime={{ format: "HH:mm" }}
      format="YYYY-MM-DD HH:mm"
      value={v && v.isValid() ? v : null}
      onChange={(d: Dayjs | null) => onChange(d ? d.second(0).millisecond(0).toISOString() : null)}
      disabled={disabled}
    />
  );
}

function TimeInput({ value, onChange, disabled, id }: InputProps) {
  const v = parseTimeOfDay(value);
  return (
    <TimePicker
      id={id}
      style={{ width: "100%" }}
      format="HH:mm"
      value={v}
      onChange={(d: Dayjs | null) => onChange(d ? d.format("HH:mm") : null)}
      disabled={disabled}
    />
  );
}

const dateText = (f: FieldDef, v: unknown) => displayDate(v, opt(f, "format", "YYYY-MM-DD"));

registerFieldType({
  type: "date",
  icon: <CalendarOutlined />,
  Input: DateInput,
  Cell: textCell(dateText),
  operators: ORDERED_OPS,
  Filter: makeFilter({ Input: DateInput }),
  validate: validator(checkDate),
  text: dateText,
});

registerFieldType({
  type: "datetime",
  icon: <FieldTimeOutlined />,
  Input: DateTimeInput,
  Cell: textCell((_f, v) => displayDateTime(v)),
  operators: ORDERED_OPS,
  Filter: makeFilter({ Input: DateTimeInput }),
  text: (_f, v) => displayDateTime(v),
});

registerFieldType({
  type: "time",
  icon: <ClockCircleOutlined />,
  Input: TimeInput,
  Cell: textCell((_f, v) => String(v).slice(0, 5)),
  operators: ORDERED_OPS,
  Filter: makeFilter({ Input: TimeInput }),
  validate: validator((_f, v) => checkTime(v)),
  text: (_f, v) => (v ? String(v).slice(0, 5) : ""),
});
