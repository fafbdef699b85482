// System presenters: who created or last changed a record, and when. Shown, never entered.
import { ClockCircleOutlined, HistoryOutlined, UserAddOutlined, UserSwitchOutlined } from "@ant-design/icons";
import { registerFieldType } from "./index";
import { ORDERED_OPS, REF_OPS } from "./operators";
import { MemberInput, MembersInput, PeopleCell } from "./people";
import { makeFilter, textCell } from "./shared";
import { displayDateTime } from "./dates";
import type { InputProps } from "./types";
import { DatePicker } from "antd";
import { useTranslation } from "react-i18next";
import dayjs, { type Dayjs } from "dayjs";
import { refIds } from "./values";

function MomentOperand({ value, onChange }: InputProps) {
  const { t } = useTranslation();
  const v = typeof value === "string" && value ? dayjs(value) : null;
  return (
    <DatePicker
      aria-label={t("fields.filter.value")}
      showTime={{ format: "HH:mm" }}
      format="YYYY-MM-DD HH:mm"
      value={v && v.isValid() ? v : null}
      onChange={(d: Dayjs | null) => onChange(d ? d.toISOString() : null)}
    />
  );
}

function PersonDisplay(props: InputProps) {
  return <PeopleCell field={props.field} value={props.value} mode="full" />;
}

const MomentCell = textCell((_f, v) => displayDateTime(v));

function MomentDisplay({ value }: InputProps) {
  return <span>{displayDateTime(value) || "\u2014"}</span>;
}

const people = {
  Input: PersonDisplay,
  Cell: PeopleCell,
  operators: REF_OPS,
  Filter: makeFilter({ Input: MemberInput, Many: MembersInput }),
  role: "computed" as const,
  text: (_f: unknown, v: unknown) => refIds(v).map((id) => `#${id}`).join(", "),
};
const moments = {
  Input: MomentDisplay,
  Cell: MomentCell,
  operators: ORDERED_OPS,
  Filter: makeFilter({ Input: MomentOperand }),
  role: "computed" as const,
  text: (_f: unknown, v: unknown) => displayDateTime(v),
};

registerFieldType({ type: "created_by", icon: <UserAddOutlined />, ...people });
registerFieldType({ type: "updated_by", icon: <UserSwitchOutlined />, ...people });
registerFieldType({ type: "created_at", icon: <ClockCircleOutlined />, ...moments });
registerFieldType({ type: "updated_at", icon: <HistoryOutlined />, ...moments });
