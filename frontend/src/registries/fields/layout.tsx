// Layout pieces: sections and tabs group the fields after them (RecordForm arranges them),
// descriptions show the builder's formatted text, buttons open a link or start a flow.
import { BorderOutlined, FolderOutlined, InfoCircleOutlined, PlayCircleOutlined } from "@ant-design/icons";
import { Alert, App, Button, Divider, Popconfirm, Tooltip } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { startFlow } from "../../api/forms";
import { registerFieldType } from "./index";
import { sanitizeHtml } from "./sanitize";
import { useLang } from "./shared";
import type { CellProps, FieldDef, InputProps } from "./types";
import { fillUrlTemplate, opt, pickText } from "./values";

const nothing = { operators: [] as string[], Filter: () => null, text: () => "" };

function SectionTitle({ field }: { field: FieldDef }) {
  const lang = useLang();
  return (
    <Divider titlePlacement="start" style={{ marginTop: 8 }}>
      {pickText(field.label, lang)}
    </Divider>
  );
}

registerFieldType({
  type: "section",
  icon: <BorderOutlined />,
  Input: ({ field }: InputProps) => <SectionTitle field={field} />,
  Cell: ({ field }: CellProps) => <SectionTitle field={field} />,
  role: "section",
  wide: true,
  ...nothing,
});

registerFieldType({
  type: "tab",
  icon: <FolderOutlined />,
  Input: ({ field }: InputProps) => <SectionTitle field={field} />,
  Cell: ({ field }: CellProps) => <SectionTitle field={field} />,
  role: "tab",
  wide: true,
  ...nothing,
});

function Description({ field }: { field: FieldDef }) {
  const lang = useLang();
  const html = pickText(opt<Record<string, string>>(field, "content", {}), lang);
  const tone = opt(field, "tone", "plain");
  const body = <div className="qq-rich-text" dangerouslySetInnerHTML={{ __html: sanitizeHtml(html) }} />;
  if (tone === "plain") return body;
  return <Alert type={tone === "warning" ? "warning" : "info"} showIcon title={body} />;
}

registerFieldType({
  type: "description",
  icon: <InfoCircleOutlined />,
  Input: ({ field }: InputProps) => <Description field={field} />,
  Cell: ({ field }: CellProps) => <Description field={field} />,
  role: "static",
  ...nothing,
});

function FormButton({ field, context }: { field: FieldDef; context?: Partial<InputProps["context"]> }) {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const [busy, setBusy] = useState(false);
  const label = pickText(field.label, lang);
  const style = opt(field, "style", "default");
  const action = opt(field, "action", "open_url");
  const confirm = pickText(opt(field, "confirm", null), lang);
  const values = { ...(context?.values ?? {}), id: context?.recordId };
  let run: (() => void) | null = null;
  let why: string | null = null;
  if (action === "open_url") {
    const url = fillUrlTemplate(opt(field, "url_template", ""), values);
    if (url) {
      run = () => {
        if (opt(field, "open_in", "new_tab") === "new_tab") window.open(url, "_blank", "noopener,noreferrer");
        else window.location.assign(url);
      };
    } else why = t("fields.button.badLink");
  } else if (context?.recordId && context.appKey) {
    const recordId = context.recordId;
    const appKey = context.appKey;
    run = () => {
      setBusy(true);
      startFlow(appKey, opt(field, "flow_key", ""), recordId)
        .then(() => void message.success(t("fields.button.flowStarted")))
        .catch((err: unknown) => void message.error(err instanceof Error ? err.message : t("errors.unexpected")))
        .finally(() => setBusy(false));
    };
  } else why = t("fields.button.afterSave");
  const button = (
    <Button
      type={style === "primary" ? "primary" : "default"}
      danger={style === "danger"}
      icon={action === "run_flow" ? <PlayCircleOutlined /> : undefined}
      disabled={!run}
      loading={busy}
      onClick={confirm ? undefined : (run ?? undefined)}
    >
      {label}
    </Button>
  );
  if (!run) return <Tooltip title={why}>{button}</Tooltip>;
  if (!confirm) return button;
  return (
    <Popconfirm title={confirm} onConfirm={run} okText={t("fields.button.go")} cancelText={t("common.cancel")}>
      {button}
    </Popconfirm>
  );
}

registerFieldType({
  type: "button",
  icon: <PlayCircleOutlined />,
  Input: ({ field, context }: InputProps) => <FormButton field={field} context={context} />,
  Cell: ({ field, context }: CellProps) => <FormButton field={field} context={context} />,
  role: "static",
  ownLabel: true,
  ...nothing,
});

