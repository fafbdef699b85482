// Bulk edit: one field set to one value on every selected record, each sent with the version
// the list showed (a record changed meanwhile is refused, not overwritten).
import { App, Form, Input, Modal, Select } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useBulkUpdate } from "../../../api/records";
import type { Id } from "../../../api/types";
import { useShowProblem } from "../../../components/useShowProblem";
import type { FieldDef } from "../../../registries/fields/types";
import { fieldLabel, uiOf, useLang } from "../fieldKit";

interface Props {
  open: boolean;
  onClose: (done: boolean) => void;
  appKey: string;
  formKey: string;
  fields: FieldDef[];
  ids: Id[];
  versions: Map<string, number>;
}

export function BulkEditModal({ open, onClose, appKey, formKey, fields, ids, versions }: Props) {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const showProblem = useShowProblem();
  const bulk = useBulkUpdate(appKey, formKey);
  const [key, setKey] = useState<string | undefined>(fields[0]?.key);
  const [value, setValue] = useState<unknown>(null);
  const field = fields.find((f) => f.key === key);
  const ui = field ? uiOf(field.type) : null;

  const apply = () => {
    if (!field) return;
    bulk.mutate(
      ids.map((id) => ({ id, version: versions.get(String(id)) as number, values: { [field.key]: value } })),
      {
        onSuccess: (out) => {
          void message.success(t("runtime.bulk.updated", { count: out.updated }));
          onClose(true);
        },
        onError: (e) => showProblem(e),
      },
    );
  };

  return (
    <Modal
      open={open}
      title={t("runtime.bulk.editTitle", { count: ids.length })}
      okText={t("runtime.bulk.apply")}
      cancelText={t("common.cancel")}
      onOk={apply}
      okButtonProps={{ disabled: !field }}
      confirmLoading={bulk.isPending}
      onCancel={() => onClose(false)}
      destroyOnHidden
    >
      <Form layout="vertical">
        <Form.Item label={t("runtime.bulk.field")} htmlFor="qq-bulk-field">
          <Select
            id="qq-bulk-field"
            value={key}
            onChange={(k: string) => {
              setKey(k);
              setValue(null);
            }}
            showSearch={{ optionFilterProp: "label" }}
            options={fields.map((f) => ({ value: f.key, label: fieldLabel(f, lang) }))}
          />
        </Form.Item>
        {field ? (
          <Form.Item label={t("runtime.bulk.value")} htmlFor="qq-bulk-value">
            {ui ? (
              <ui.Input
                id="qq-bulk-value"
                field={{ ...field, required: false }}
                value={value}
                onChange={setValue}
                context={{ appKey, formKey, values: { [field.key]: value } }}
              />
            ) : (
              <Input id="qq-bulk-value" value={value == null ? "" : String(value)} onChange={(e) => setValue(e.target.value)} />
            )}
          </Form.Item>
        ) : null}
      </Form>
    </Modal>
  );
}
