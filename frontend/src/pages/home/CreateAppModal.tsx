// Creating an app: its name, key, icon and colour, started blank or from an Excel sheet
// (the Excel → form wizard opens in the new app). Templates come with the CRM template.
import { FileExcelOutlined, FileOutlined, LayoutOutlined } from "@ant-design/icons";
import { Form, Input, Modal, Radio, Tooltip } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useCreateApp } from "../../api/apps";
import { useShowProblem } from "../../components/useShowProblem";
import { keyFromName } from "./appKey";
import { APP_COLORS, APP_ICONS, AppIcon } from "./appLook";

interface Values {
  name: string;
  key: string;
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
  const showProblem = useShowProblem();
  const navigate = useNavigate();
  const color = Form.useWatch("color", form) ?? APP_COLORS[0];

  const submit = async (values: Values) => {
    try {
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
      confirmLoading={create.isPending}
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
            <Tooltip title={t("builder.app.templatesLater")}>
              <span>
                <Radio.Button value="template" disabled>
                  <LayoutOutlined aria-hidden /> {t("builder.app.fromTemplate")}
                </Radio.Button>
              </span>
            </Tooltip>
            <Radio.Button value="excel">
              <FileExcelOutlined aria-hidden /> {t("builder.app.fromExcel")}
            </Radio.Button>
          </Radio.Group>
        </Form.Item>
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
        <Form.Item name="icon" label={t("builder.app.icon")}>
          <IconPicker color={color} />
        </Form.Item>
        <Form.Item name="color" label={t("builder.app.color")}>
          <ColorPicker />
        </Form.Item>
        <Form.Item name="description" label={t("builder.app.description")}>
          <Input.TextArea rows={2} maxLength={2000} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
