// A new department, at the top level or under a chosen parent.
import { App, Form, Input, Modal } from "antd";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { useCreateDepartment } from "../../../api/departments";
import type { Department, Id } from "../../../api/types";
import { DepartmentTreeSelect } from "../../../components/DepartmentTreeSelect";
import { UserSelect } from "../../../components/UserSelect";
import { useShowProblem } from "../../../components/useShowProblem";

interface Values {
  name: string;
  parent_id: Id | null;
  head_user_id: Id | null;
}

interface Props {
  open: boolean;
  parentId: Id | null;
  onClose: (created?: Department) => void;
}

export function CreateDepartmentModal({ open, parentId, onClose }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showProblem = useShowProblem();
  const create = useCreateDepartment();
  const [form] = Form.useForm<Values>();

  useEffect(() => {
    if (open) form.setFieldsValue({ name: "", parent_id: parentId, head_user_id: null });
  }, [open, parentId, form]);

  const onFinish = (values: Values) =>
    create.mutate(
      {
        name: values.name.trim(),
        parent_id: values.parent_id ?? null,
        head_user_id: values.head_user_id ?? null,
      },
      {
        onSuccess: (created) => {
          void message.success(t("departments.created", { name: created.name }));
          onClose(created);
        },
        onError: (e) => showProblem(e, form),
      },
    );

  return (
    <Modal
      open={open}
      title={t("departments.createTitle")}
      okText={t("common.create")}
      cancelText={t("common.cancel")}
      onOk={() => form.submit()}
      onCancel={() => onClose()}
      confirmLoading={create.isPending}
      forceRender
    >
      <Form<Values> form={form} name="new_department" layout="vertical" onFinish={onFinish}>
        <Form.Item
          name="name"
          label={t("departments.name")}
          rules={[{ required: true, whitespace: true, message: t("departments.nameRequired") }]}
        >
          <Input maxLength={100} />
        </Form.Item>
        <Form.Item name="parent_id" label={t("departments.parent")}>
          <DepartmentTreeSelect<Id | null> placeholder={t("departments.topLevel")} />
        </Form.Item>
        <Form.Item name="head_user_id" label={t("departments.head")}>
          <UserSelect />
        </Form.Item>
      </Form>
    </Modal>
  );
}
