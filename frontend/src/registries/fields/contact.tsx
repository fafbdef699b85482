// Contact details: phone, e-mail, web link and mainland ID card number, checked as the server does.
import { IdcardOutlined, LinkOutlined, MailOutlined, PhoneOutlined } from "@ant-design/icons";
import { Input, Typography } from "antd";
import { registerFieldType } from "./index";
import { CONTACT_OPS, ID_CARD_OPS } from "./operators";
import { EmptyCell, makeFilter, useLang, validator } from "./shared";
import type { CellProps, InputProps } from "./types";
import { checkEmail, checkIdCard, checkPhone, checkUrl, normaliseUrl } from "./validation";
import { opt, pickText } from "./values";

function textInput(type: string, inputMode: "tel" | "email" | "url" | "text", maxLength: number) {
  return function ContactInput({ field, value, onChange, disabled, id }: InputProps) {
    const lang = useLang();
    return (
      <Input
        id={id}
        type={type}
        inputMode={inputMode}
        autoComplete={type === "tel" ? "tel" : type === "email" ? "email" : "off"}
        value={typeof value === "string" ? value : ""}
        onChange={(e) => onChange(e.target.value === "" ? null : e.target.value)}
        disabled={disabled}
        maxLength={maxLength}
        placeholder={pickText(field.placeholder, lang) || undefined}
      />
    );
  };
}

const PhoneInput = textInput("tel", "tel", 40);
const EmailInput = textInput("email", "email", 254);
const UrlInput = textInput("url", "url", 2048);
const IdCardInput = textInput("text", "text", 18);

function PhoneCell({ value, mode }: CellProps) {
  if (typeof value !== "string" || !value) return <EmptyCell mode={mode} />;
  return <a href={`tel:${value.replace(/[^\d+]/g, "")}`}>{value}</a>;
}

function EmailCell({ value, mode }: CellProps) {
  if (typeof value !== "string" || !value) return <EmptyCell mode={mode} />;
  return (
    <Typography.Text ellipsis={mode === "compact"}>
      <a href={`mailto:${value}`}>{value}</a>
    </Typography.Text>
  );
}

function UrlCell({ value, mode }: CellProps) {
  if (typeof value !== "string" || !value) return <EmptyCell mode={mode} />;
  const href = normaliseUrl(value);
  if (!href) return <span>{value}</span>;
  return (
    <Typography.Text ellipsis={mode === "compact"}>
      <a href={href} target="_blank" rel="noopener noreferrer nofollow">
        {value}
      </a>
    </Typography.Text>
  );
}

/** Lists show the first 6 and last 4 characters when the field asks for it. */
export function maskIdCard(value: string): string {
  return value.length > 10 ? value.slice(0, 6) + "*".repeat(value.length - 10) + value.slice(-4) : value;
}

function IdCardCell({ field, value, mode }: CellProps) {
  if (typeof value !== "string" || !value) return <EmptyCell mode={mode} />;
  return <span>{mode === "compact" && opt(field, "mask_in_lists", true) ? maskIdCard(value) : value}</span>;
}

const asText = (_f: unknown, v: unknown) => (typeof v === "string" ? v : "");

registerFieldType({
  type: "phone",
  icon: <PhoneOutlined />,
  Input: PhoneInput,
  Cell: PhoneCell,
  operators: CONTACT_OPS,
  Filter: makeFilter({ Input: PhoneInput }),
  validate: validator(checkPhone),
  text: asText,
});

registerFieldType({
  type: "email",
  icon: <MailOutlined />,
  Input: EmailInput,
  Cell: EmailCell,
  operators: CONTACT_OPS,
  Filter: makeFilter({ Input: EmailInput }),
  validate: validator(checkEmail),
  text: asText,
});

registerFieldType({
  type: "url",
  icon: <LinkOutlined />,
  Input: UrlInput,
  Cell: UrlCell,
  operators: CONTACT_OPS,
  Filter: makeFilter({ Input: UrlInput }),
  validate: validator((_f, v) => checkUrl(v)),
  text: asText,
});

registerFieldType({
  type: "id_card",
  icon: <IdcardOutlined />,
  Input: IdCardInput,
  Cell: IdCardCell,
  operators: ID_CARD_OPS,
  Filter: makeFilter({ Input: IdCardInput }),
  validate: validator((_f, v) => checkIdCard(v)),
  text: asText,
});
