// The rich-text editor (tiptap), loaded only when a form shows a rich-text field. It edits
// HTML; the server sanitises what it stores.
import {
  BoldOutlined,
  ItalicOutlined,
  OrderedListOutlined,
  RedoOutlined,
  StrikethroughOutlined,
  UndoOutlined,
  UnorderedListOutlined,
} from "@ant-design/icons";
import { EditorContent, useEditor } from "@tiptap/react";
import StarterKit from "@tiptap/starter-kit";
import { Button, Space, Tooltip } from "antd";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import type { InputProps } from "./types";
import { pickText } from "./values";

export default function RichTextEditor({ field, value, onChange, disabled, id }: InputProps) {
  const { t, i18n } = useTranslation();
  // A contenteditable cannot be named by <label for>: it carries the field's label itself.
  const label = pickText(field.label, i18n.resolvedLanguage ?? "zh-CN");
  const html = typeof value === "string" ? value : "";
  const editor = useEditor({
    extensions: [StarterKit.configure({ link: { openOnClick: false, protocols: ["http", "https", "mailto", "tel"] } })],
    content: html,
    editable: !disabled,
    onUpdate: ({ editor: e }) => onChange(e.isEmpty ? null : e.getHTML()),
    editorProps: {
      attributes: { id: id ?? "", class: "qq-rich-text-area", role: "textbox", "aria-multiline": "true", "aria-label": label },
    },
  });
  useEffect(() => {
    if (!editor || editor.isDestroyed) return;
    if (!editor.isFocused && html !== editor.getHTML() && !(html === "" && editor.isEmpty)) {
      editor.commands.setContent(html, { emitUpdate: false });
    }
  }, [editor, html]);
  useEffect(() => {
    if (editor && !editor.isDestroyed) editor.setEditable(!disabled);
  }, [editor, disabled]);
  if (!editor || editor.isDestroyed) return null;
  const tool = (name: string, icon: React.ReactNode, active: boolean, run: () => void) => (
    <Tooltip title={t(`fields.richText.${name}`)}>
      <Button
        size="small"
        type={active ? "primary" : "text"}
        icon={icon}
        aria-label={t(`fields.richText.${name}`)}
        aria-pressed={active}
        disabled={disabled}
        onClick={run}
      />
    </Tooltip>
  );
  const chain = () => editor.chain().focus();
  return (
    <div className="qq-rich-text-editor" style={{ border: "1px solid #d9d9d9", borderRadius: 6 }}>
      <Space size={2} wrap style={{ padding: 4, borderBottom: "1px solid #f0f0f0" }}>
        {tool("bold", <BoldOutlined />, editor.isActive("bold"), () => chain().toggleBold().run())}
        {tool("italic", <ItalicOutlined />, editor.isActive("italic"), () => chain().toggleItalic().run())}
        {tool("strike", <StrikethroughOutlined />, editor.isActive("strike"), () => chain().toggleStrike().run())}
        <Button
          size="small"
          type={editor.isActive("heading", { level: 3 }) ? "primary" : "text"}
          aria-label={t("fields.richText.heading")}
          disabled={disabled}
          onClick={() => chain().toggleHeading({ level: 3 }).run()}
        >
          H
        </Button>
        {tool("bulletList", <UnorderedListOutlined />, editor.isActive("bulletList"), () => chain().toggleBulletList().run())}
        {tool("orderedList", <OrderedListOutlined />, editor.isActive("orderedList"), () => chain().toggleOrderedList().run())}
        {tool("undo", <UndoOutlined />, false, () => chain().undo().run())}
        {tool("redo", <RedoOutlined />, false, () => chain().redo().run())}
      </Space>
      <EditorContent editor={editor} style={{ padding: "4px 11px", minHeight: 96 }} />
    </div>
  );
}
