// Text types: single-line, multi-line and rich text (the editor loads on first use).
import { FontSizeOutlined, AlignLeftOutlined, FileTextOutlined } from "@ant-design/icons";
import { Input, Skeleton, Typography } from "antd";
import { lazy, Suspense } from "react";
import { registerFieldType } from "./index";
import { RICH_TEXT_OPS, TEXT_OPS } from "./operators";
import { sanitizeHtml, htmlToText } from "./sanitize";
import { EmptyCell, makeFilter, plainText, textCell, useLang, validator } from "./shared";
import type { CellProps, FieldDef, InputProps } from "./types";
import { checkText } from "./validation";
import { opt, pickText } from "./values";

const RichTextEditor = lazy(() => import("./RichTextEditor"));

function placeholderOf(field: FieldDef, lang: string): string | undefined {
  return pickText(field.placeholder, lang) || undefined;
}

function TextInput({ field, value, onChange, disabled, id }: InputProps) {
  const lang = useLang();
  return (
    <Input
      id={id}
      value={typeof value === "string" ? value : value == null ? "" : String(value)}
      onChange={(e) => onChange(e.target.value === "" ? null : e.target.value)}
      disabled={disabled}
      maxLength={opt<number>(field, "max_length", 200)}
      placeholder={placeholderOf(field, lang)}
    />
  );
}

function TextareaInput({ field, value, onChange, disabled, id }: InputProps) {
  const lang = useLang();
  return (
    <Input.TextArea
      id={id}
      value={typeof value === "string" ? value : ""}
      onChange={(e) => onChange(e.target.value === "" ? null : e.target.value)}
      disabled={disabled}
      autoSize={{ minRows: 3, maxRows: 12 }}
      maxLength={opt<number>(field, "max_length", 5000)}
      showCount
      placeholder={placeholderOf(field, lang)}
    />
  );
}

const plain = textCell((_f, v) => String(v));

registerFieldType({
  type: "text",
  icon: <FontSizeOutlined />,
  Input: TextInput,
  Cell: plain,
  operators: TEXT_OPS,
  Filter: makeFilter({ Input: TextInput }),
  validate: validator((f, v) => checkText(f, v, false)),
  text: (_f, v, t) => plainText(v, t),
});

registerFieldType({
  type: "textarea",
  icon: <AlignLeftOutlined />,
  Input: TextareaInput,
  Cell: plain,
  operators: TEXT_OPS,
  Filter: makeFilter({ Input: TextInput }),
  validate: validator((f, v) => checkText(f, v, true)),
  text: (_f, v, t) => plainText(v, t),
});

function RichTextInput(props: InputProps) {
  return (
    <Suspense fallback={<Skeleton active paragraph={{ rows: 3 }} />}>
      <RichTextEditor {...props} />
    </Suspense>
  );
}

function RichTextCell({ value, mode }: CellProps) {
  if (typeof value !== "string" || !value) return <EmptyCell mode={mode} />;
  if (mode === "compact") return <Typography.Text ellipsis>{htmlToText(value)}</Typography.Text>;
  return <div className="qq-rich-text" dangerouslySetInnerHTML={{ __html: sanitizeHtml(value) }} />;
}

registerFieldType({
  type: "rich_text",
  icon: <FileTextOutlined />,
  Input: RichTextInput,
  Cell: RichTextCell,
  operators: RICH_TEXT_OPS,
  Filter: makeFilter({ Input: TextInput }),
  wide: true,
  isEmpty: (v) => typeof v !== "string" || (!htmlToText(v) && !v.includes("<img")),
  text: (_f, v) => (typeof v === "string" ? htmlToText(v) : ""),
});
