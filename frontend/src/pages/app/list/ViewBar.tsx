// Saved views: pick one, save changes to it, save the current view as a new one (shared with
// app roles, for app administrators), or delete it.
import { DeleteOutlined, SaveOutlined } from "@ant-design/icons";
import { App, Button, Checkbox, Form, Input, Modal, Popconfirm, Select, Space, Tooltip } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useAppRoles } from "../../../api/appRuntime";
import type { Id } from "../../../api/types";
import { useCreateView, useDeleteView, useUpdateView, useViews, type SavedView } from "../../../api/views";
import { useShowProblem } from "../../../components/useShowProblem";
import type { ViewState } from "./viewState";

interface Props {
  appKey: string;
  formKey: string;
  current: SavedView | null;
  state: ViewState;
  dirty: boolean;
  onPick: (id: Id | null) => void;
}

export function ViewBar({ appKey, formKey, current, state, dirty, onPick }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showProblem = useShowProblem();
  const views = useViews(appKey, formKey);
  const create = useCreateView(appKey, formKey);
  const update = useUpdateView(appKey, formKey);
  const remove = useDeleteView(appKey, formKey);
  const [saving, setSaving] = useState(false);
  const [form] = Form.useForm<{ name: string; shared: boolean; roles: string[] }>();
  const canShare = views.data?.can_share ?? false;
  const roles = useAppRoles(appKey, canShare && saving);
  const shared = Form.useWatch("shared", form);

  const options = [
    { value: "", label: t("runtime.views.all") },
    ...(views.data?.items ?? []).map((v) => ({
      value: String(v.id),
      label: v.shared ? t("runtime.views.sharedName", { name: v.name }) : v.name,
    })),
  ];

  const saveChanges = () => {
    if (!current) return;
    update.mutate(
      { id: current.id, change: { kind: state.kind, config: state.config } },
      { onSuccess: () => void message.success(t("runtime.views.saved")), onError: (e) => showProblem(e) },
    );
  };

  const saveNew = async () => {
    const values = await form.validateFields();
    create.mutate(
      { name: values.name.trim(), kind: state.kind, config: state.config, shared: !!values.shared, roles: values.shared ? values.roles ?? [] : [] },
      {
        onSuccess: (view) => {
          setSaving(false);
          form.resetFields();
          void message.success(t("runtime.views.saved"));
          onPick(view.id);
        },
        onError: (e) => showProblem(e, form),
      },
    );
  };

  return (
    <Space wrap className="qq-view-bar">
      <Select
        aria-label={t("runtime.views.pick")}
        className="qq-view-select"
        value={current ? String(current.id) : ""}
        options={options}
        loading={views.isLoading}
        onChange={(v: string) => onPick(v ? v : null)}
      />
      {current?.can_edit && dirty ? (
        <Button icon={<SaveOutlined aria-hidden />} onClick={saveChanges} loading={update.isPending}>
          {t("runtime.views.save")}
        </Button>
      ) : null}
      <Button onClick={() => setSaving(true)} type={dirty && !current?.can_edit ? "primary" : "default"}>
        {t("runtime.views.saveAs")}
      </Button>
      {current?.can_edit ? (
        <Popconfirm
          title={t("runtime.views.deleteConfirm", { name: current.name })}
          okText={t("common.delete")}
          cancelText={t("common.cancel")}
          okButtonProps={{ danger: true }}
          onConfirm={() =>
            remove.mutate(current.id, {
              onSuccess: () => {
                onPick(null);
                void message.success(t("runtime.views.deleted"));
              },
              onError: (e) => showProblem(e),
            })
          }
        >
          <Tooltip title={t("runtime.views.delete")}>
            <Button icon={<DeleteOutlined aria-hidden />} aria-label={t("runtime.views.delete")} />
          </Tooltip>
        </Popconfirm>
      ) : null}
      <Modal
        open={saving}
        title={t("runtime.views.saveAs")}
        okText={t("common.save")}
        cancelText={t("common.cancel")}
        onOk={() => void saveNew()}
        confirmLoading={create.isPending}
        onCancel={() => setSaving(false)}
        destroyOnHidden
      >
        <Form form={form} layout="vertical" initialValues={{ name: "", shared: false, roles: [] }}>
          <Form.Item name="name" label={t("runtime.views.name")} rules={[{ required: true, whitespace: true, message: t("runtime.views.nameRequired") }, { max: 128 }]}>
            <Input autoFocus maxLength={128} />
          </Form.Item>
          {canShare ? (
            <>
              <Form.Item name="shared" valuePropName="checked">
                <Checkbox>{t("runtime.views.shared")}</Checkbox>
              </Form.Item>
              {shared ? (
                <Form.Item name="roles" label={t("runtime.views.roles")} extra={t("runtime.views.rolesHelp")}>
                  <Select
                    mode="multiple"
                    loading={roles.isLoading}
                    options={(roles.data ?? []).map((r) => ({ value: r.key, label: r.name }))}
                  />
                </Form.Item>
              ) : null}
            </>
          ) : null}
        </Form>
      </Modal>
    </Space>
  );
}
