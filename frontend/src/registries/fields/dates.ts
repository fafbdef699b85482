// Date values between the records API and dayjs.
import dayjs, { type Dayjs } from "dayjs";

/** A stored date shown in the field's format ("YYYY年MM月DD日" is a dayjs format too). */
export function displayDate(value: unknown, format = "YYYY-MM-DD"): string {
  if (typeof value !== "string" || !value) return "";
  const d = dayjs(value.slice(0, 10));
  return d.isValid() ? d.format(format) : value;
}

/** A stored moment (ISO with offset) in the reader's time zone. */
export function displayDateTime(value: unknown): string {
  if (typeof value !== "string" || !value) return "";
  const d = dayjs(value);
  return d.isValid() ? d.format("YYYY-MM-DD HH:mm") : value;
}

/** "09:30" or "09:30:15" → a dayjs on today's date; anything else → null. */
export function parseTimeOfDay(value: unknown): Dayjs | null {
  if (typeof value !== "string") return null;
  const m = /^(\d{1,2}):(\d{2})(?::(\d{2}))?/.exec(value);
  if (!m) return null;
  return dayjs().hour(Number(m[1])).minute(Number(m[2])).second(Number(m[3] ?? 0)).millisecond(0);
}
