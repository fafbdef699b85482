// A new, empty form in the app: its name and key; the designer opens on it.
import { Form, Input, Modal } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate } from "react-router";
import { useCreateForm } from "../../api/designer";
import { useShowProblem } from "../../components/useShowProblem";

interface Values {
  label: string;
  key: string;
}

function keyFromLabel(label: string): string {
  return label
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "_")
    .replace(/^[^a-z]+/, "")
    .replace(/_+$/, "")
    .slice(0, 48);
}

export function CreateFormModal({ appKey, open, onClose, taken }: { appKey: string; open: boolean; onClose: () => void; taken: string[] }) {
  const { t, i18n } = useTranslation();
  const [form] = Form.useForm<Values>();
  const [keyTouched, setKeyTouched] = useState(false);
  const create = useCreateForm(appKey);
  const showProblem = useShowProblem();
  const navigate = useNavigate();

  const suggestKey = (label: string) => {
    const base = keyFromLabel(label) || "form";
    let key = base;
    for (let n = 2; taken.includes(key); n++) key = `${base}_${n}`;
    return key;
  };

  const submit = async ({ label, key }: Values) => {
    const lang = i18n.resolvedLanguage === "en" ? "en" : "zh-CN";
    try {
      await create.mutateAsync({ key, label: { [lang]: label }, fields: [], settings: { columns: 2 } });
      onClose();
      navigate(`/build/${appKey}/forms/${key}`);
    } catch (error) {
      showProblem(error, form);
    }
  };

  return (
    <Modal
      open={open}
      title={t("builder.forms.createTitle")}
      okText={t("builder.forms.create")}
      cancelText={t("builder.cancel")}
      onCancel={onClose}
      onOk={() => form.submit()}
      confirmLoading={create.isPending}
      destroyOnHidden
    >
      <Form<Values>
        form={form}
        layout="vertical"
        onFinish={submit}
        onValuesChange={(changed: Partial<Values>) => {
          if (changed.key !== undefined) setKeyTouched(true);
          if (changed.label !== undefined && !keyTouched) form.setFieldValue("key", suggestKey(changed.label));
        }}
      >
        <Form.Item name="label" label={t("builder.forms.name")} rules={[{ required: true, message: t("builder.forms.nameRequired") }]}>
          <Input autoFocus maxLength={200} />
        </Form.Item>
        <Form.Item
          name="key"
          label={t("builder.forms.key")}
          extra={t("builder.forms.keyHint")}
          rules={[
            { required: true, message: t("builder.forms.keyRequired") },
            { pattern: /^[a-z][a-z0-9_]{0,47}$/, message: t("builder.forms.keyPattern") },
          ]}
        >
          <Input spellCheck={false} maxLength={48} />
        </Form.Item>
      </Form>
    </Modal>
  );
}
