// Creating an app: its name, key, icon and colour, started blank, from a template of the catalogue
// (installed whole, optionally with its demo data) or from an Excel sheet (the Excel → form
// wizard opens in the new app).
import { FileExcelOutlined, FileOutlined, LayoutOutlined } from "@ant-design/icons";
import { Checkbox, Form, Input, Modal, Radio, Tooltip, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useCreateApp, useInstallTemplate, useTemplates, type AppTemplate } from "../../api/apps";
import { useShowProblem } from "../../components/useShowProblem";
import { keyFromName } from "./appKey";
import { APP_COLORS, APP_ICONS, AppIcon } from "./appLook";

interface Values {
  name: string;
  key: string;
  template?: string;
  demo?: boolean;
  description?: string;
  icon: string;
  color: string;
}

export function IconPicker({ value, onChange, color, id }: { value?: string; onChange?: (v: string) => void; color: string; id?: string }) {
  const { t } = useTranslation();
  return (
    <Radio.Group id={id} value={value} onChange={(e) => onChange?.(e.target.value)} className="qq-swatches">
      {Object.keys(APP_ICONS).map((name) => (
        <Radio.Button key={name} value={name} aria-label={t(`builder.icons.${name}`, { defaultValue: name })} className="qq-swatch">
          <AppIcon icon={name} color={value === name ? color : "#aeb4bf"} size={28} />
        </Radio.Button>
      ))}
    </Radio.Group>
  );
}

export function ColorPicker({ value, onChange, id }: { value?: string; onChange?: (v: string) => void; id?: string }) {
  const { t } = useTranslation();
  return (
    <Radio.Group id={id} value={value} onChange={(e) => onChange?.(e.target.value)} className="qq-swatches">
      {APP_COLORS.map((c, i) => (
        <Radio.Button key={c} value={c} aria-label={t("builder.app.colorN", { n: i + 1 })} className="qq-swatch">
          <span className="qq-color-dot" style={{ background: c }} />
        </Radio.Button>
      ))}
    </Radio.Group>
  );
}

export function CreateAppModal({ open, onClose }: { open: boolean; onClose: () => void }) {
  const { t } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [source, setSource] = useState<"blank" | "template" | "excel">("blank");
  const [keyTouched, setKeyTouched] = useState(false);
  const create = useCreateApp();
  const install = useInstallTemplate();
  const templates = useTemplates(open);
  const { i18n } = useTranslation();
  const lang = i18n.language.startsWith("zh") ? "zh-CN" : "en";
  const named = (text: Record<string, string | null>) => text[lang] || text["zh-CN"] || text.en || "";
  const templateName = Form.useWatch("template", form);
  const chosen: AppTemplate | undefined = templates.data?.find((x) => x.name === templateName);
  const showProblem = useShowProblem();
  const navigate = useNavigate();
  const color = Form.useWatch("color", form) ?? APP_COLORS[0];

  const submit = async (values: Values) => {
    try {
      if (source === "template" && values.template) {
        const made = await install.mutateAsync({ name: values.template, key: values.key, name_: values.name,
                                                 demo: Boolean(values.demo) });
        onClose();
        form.resetFields();
        navigate(`/apps/${made.app.key}`);
        return;
      }
      const app = await create.mutateAsync({ ...values, description: values.description ?? "" });
      onClose();
      form.resetFields();
      setKeyTouched(false);
      navigate(source === "excel" ? `/build/${app.key}?excel=1` : `/build/${app.key}`);
    } catch (error) {
      showProblem(error, form);
    }
  };

  return (
    <Modal
      open={open}
      title={t("builder.app.createTitle")}
      okText={source === "excel" ? t("builder.app.createAndUpload") : t("builder.app.create")}
      cancelText={t("builder.cancel")}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending || install.isPending}
      destroyOnHidden
      width={560}
    >
      <Form<Values>
        form={form}
        layout="vertical"
        initialValues={{ icon: "appstore", color: APP_COLORS[0] }}
        onFinish={submit}
        onValuesChange={(changed: Partial<Values>) => {
          if (changed.key !== undefined) setKeyTouched(true);
          if (changed.name !== undefined && !keyTouched) form.setFieldValue("key", keyFromName(changed.name));
        }}
      >
        <Form.Item label={t("builder.app.startFrom")}>
          <Radio.Group value={source} onChange={(e) => setSource(e.target.value)} className="qq-source-choice">
            <Radio.Button value="blank">
              <FileOutlined aria-hidden /> {t("builder.app.fromBlank")}
            </Radio.Button>
            <Tooltip title={templates.data?.length ? undefined : t("builder.app.noTemplates")}>
              <span>
                <Radio.Button value="template" disabled={!templates.data?.length}>
                  <LayoutOutlined aria-hidden /> {t("builder.app.fromTemplate")}
                </Radio.Button>
              </span>
            </Tooltip>
            <Radio.Button value="excel">
              <FileExcelOutlined aria-hidden /> {t("builder.app.fromExcel")}
            </Radio.Button>
          </Radio.Group>
        </Form.Item>
        {source === "template" ? (
          <>
            <Form.Item name="template" label={t("builder.app.template")} rules={[{ required: true, message: t("builder.app.templateRequired") }]}>
              <Radio.Group
                className="qq-template-choice"
                onChange={(e) => {
                  const picked = templates.data?.find((x) => x.name === e.target.value);
                  if (picked && !form.getFieldValue("name")) form.setFieldValue("name", named(picked.label));
                  if (picked && !keyTouched) form.setFieldValue("key", picked.app.key);
                }}
              >
                {(templates.data ?? []).map((x) => (
                  <Radio key={x.name} value={x.name}>
                    <strong>{named(x.label)}</strong>
                    <Typography.Paragraph type="secondary" style={{ margin: 0 }}>{named(x.description)}</Typography.Paragraph>
                  </Radio>
                ))}
              </Radio.Group>
            </Form.Item>
            {chosen?.demo ? (
              <Form.Item name="demo" valuePropName="checked">
                <Checkbox>{t("builder.app.withDemo")}</Checkbox>
              </Form.Item>
            ) : null}
          </>
        ) : null}
        <Form.Item name="name" label={t("builder.app.name")} rules={[{ required: true, message: t("builder.app.nameRequired") }, { max: 128 }]}>
          <Input autoFocus maxLength={128} />
        </Form.Item>
        <Form.Item
          name="key"
          label={t("builder.app.key")}
          extra={t("builder.app.keyHint")}
          rules={[
            { required: true, message: t("builder.app.keyRequired") },
            { pattern: /^[a-z][a-z0-9_]{0,19}$/, message: t("builder.app.keyPattern") },
          ]}
        >
          <Input maxLength={20} spellCheck={false} />
        </Form.Item>
        {source !== "template" ? (
          <>
            <Form.Item name="icon" label={t("builder.app.icon")}>
              <IconPicker color={color} />
            </Form.Item>
            <Form.Item name="color" label={t("builder.app.color")}>
              <ColorPicker />
            </Form.Item>
          </>
        ) : null}
        {source !== "template" ? (
          <Form.Item name="description" label={t("builder.app.description")}>
            <Input.TextArea rows={2} maxLength={2000} />
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}
