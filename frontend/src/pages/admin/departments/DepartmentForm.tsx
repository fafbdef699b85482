// Rename, move under another parent, set the head, change the order of one department.
import { App, Button, Form, Input, InputNumber } from "antd";
import { useMemo } from "react";
import { useTranslation } from "react-i18next";
import { descendantIds, useUpdateDepartment, type DepartmentInput } from "../../../api/departments";
import type { Department, Id } from "../../../api/types";
import { DepartmentTreeSelect } from "../../../components/DepartmentTreeSelect";
import { UserSelect } from "../../../components/UserSelect";
import { useShowProblem } from "../../../components/useShowProblem";

interface Values {
  name: string;
  parent_id: Id | null;
  head_user_id: Id | null;
  sort: number;
}

export function DepartmentForm({ department, all }: { department: Department; all: Department[] }) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showProblem = useShowProblem();
  const update = useUpdateDepartment();
  const [form] = Form.useForm<Values>();
  // A department cannot move under itself or anything below it.
  const blocked = useMemo(() => descendantIds(all, department.id), [all, department.id]);
  const knownHead = useMemo(
    () => (department.head ? [{ value: department.head.id, label: department.head.display_name }] : []),
    [department.head],
  );

  const onFinish = (values: Values) => {
    // Only what changed goes to the server, so the audit log shows just that.
    const next: DepartmentInput = {
      name: values.name.trim(),
      parent_id: values.parent_id ?? null,
      head_user_id: values.head_user_id ?? null,
      sort: values.sort ?? 0,
    };
    const change: DepartmentInput = {};
    for (const key of ["name", "parent_id", "head_user_id", "sort"] as const) {
      if (String(next[key]) !== String(department[key])) Object.assign(change, { [key]: next[key] });
    }
    if (!Object.keys(change).length) {
      void message.info(t("common.noChanges"));
      return;
    }
    update.mutate(
      { id: department.id, change },
      { onSuccess: () => void message.success(t("common.saved")), onError: (e) => showProblem(e, form) },
    );
  };

  return (
    <Form<Values>
      form={form}
      name={`department_${department.id}`}
      layout="vertical"
      onFinish={onFinish}
      initialValues={{
        name: department.name,
        parent_id: department.parent_id,
        head_user_id: department.head_user_id,
        sort: department.sort,
      }}
    >
      <Form.Item
        name="name"
        label={t("departments.name")}
        rules={[{ required: true, whitespace: true, message: t("departments.nameRequired") }]}
      >
        <Input maxLength={100} />
      </Form.Item>
      <Form.Item name="parent_id" label={t("departments.parent")} extra={t("departments.parentHint")}>
        <DepartmentTreeSelect<Id | null> disabledIds={blocked} placeholder={t("departments.topLevel")} />
      </Form.Item>
      <Form.Item name="head_user_id" label={t("departments.head")}>
        <UserSelect known={knownHead} />
      </Form.Item>
      <Form.Item name="sort" label={t("departments.sort")} extra={t("departments.sortHint")}>
        <InputNumber precision={0} className="qq-full" />
      </Form.Item>
      <Button type="primary" htmlType="submit" loading={update.isPending}>
        {t("common.save")}
      </Button>
    </Form>
  );
}
