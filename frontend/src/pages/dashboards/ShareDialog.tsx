// Public read-only links of a dashboard: create one (its address is shown once, to copy — the
// server keeps only a digest), see the open ones, revoke them.
import { CopyOutlined } from "@ant-design/icons";
import { Alert, App, Button, Empty, Form, Input, List, Modal, Popconfirm, Space, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { useCreateDashboardLink, useDashboardLinks, useRevokeDashboardLink, type DashboardLink } from "../../api/reports";
import type { Id } from "../../api/types";
import { formatDateTime } from "../../components/format";
import { useShowProblem } from "../../components/useShowProblem";

interface Props {
  appKey: string;
  dashboardId: Id;
  open: boolean;
  onClose: () => void;
}

export const linkUrl = (link: Pick<DashboardLink, "path" | "token">) =>
  `${window.location.origin}${link.path || `/share/d/${link.token}`}`;

export function ShareDialog({ appKey, dashboardId, open, onClose }: Props) {
  const { t } = useTranslation();
  const { message } = App.useApp();
  const showProblem = useShowProblem();
  const links = useDashboardLinks(appKey, dashboardId, open);
  const create = useCreateDashboardLink(appKey, dashboardId);
  const revoke = useRevokeDashboardLink(appKey, dashboardId);
  const [form] = Form.useForm<{ name: string }>();
  const [created, setCreated] = useState<DashboardLink | null>(null);

  const copy = async (url: string) => {
    try {
      await navigator.clipboard.writeText(url);
      void message.success(t("dashboards.share.copied"));
    } catch {
      // No clipboard here (a plain-http address): the link stays selectable in the dialog.
    }
  };

  const active = (links.data?.items ?? []).filter((l) => !l.revoked_at);
  return (
    <Modal open={open} onCancel={onClose} title={t("dashboards.share.title")} width={640} destroyOnHidden
      footer={<Button onClick={onClose}>{t("dashboards.share.close")}</Button>}>
      <Typography.Paragraph type="secondary">{t("dashboards.share.intro")}</Typography.Paragraph>
      <Form
        form={form}
        layout="inline"
        style={{ marginBottom: 16, rowGap: 8 }}
        onFinish={({ name }) =>
          create.mutate({ name: name.trim() }, {
            onSuccess: (link) => {
              form.resetFields();
              setCreated(link);
              void message.success(t("dashboards.share.created"));
            },
            onError: (error) => showProblem(error, form),
          })
        }
      >
        <Form.Item name="name" label={t("dashboards.share.name")} style={{ flex: 1, minWidth: 220 }}
          rules={[{ required: true, whitespace: true, message: t("dashboards.share.nameRequired") }]}>
          <Input placeholder={t("dashboards.share.namePlaceholder")} maxLength={128} />
        </Form.Item>
        <Form.Item style={{ marginInlineEnd: 0 }}>
          <Button type="primary" htmlType="submit" loading={create.isPending}>{t("dashboards.share.create")}</Button>
        </Form.Item>
      </Form>
      {created && (
        <Alert
          type="success"
          showIcon
          style={{ marginBottom: 16 }}
          title={t("dashboards.share.shownOnce")}
          description={
            <Space.Compact style={{ width: "100%" }}>
              <Input readOnly value={linkUrl(created)} aria-label={t("dashboards.share.url")} onFocus={(e) => e.target.select()} />
              <Button icon={<CopyOutlined />} onClick={() => void copy(linkUrl(created))}>{t("dashboards.share.copy")}</Button>
            </Space.Compact>
          }
        />
      )}
      <List
        loading={links.isLoading}
        dataSource={active}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("dashboards.share.none")} /> }}
        renderItem={(link) => (
          <List.Item
            actions={[
              <Popconfirm
                key="revoke"
                title={t("dashboards.share.revokeConfirm")}
                okText={t("dashboards.share.revoke")}
                cancelText={t("common.cancel")}
                okButtonProps={{ danger: true }}
                onConfirm={() =>
                  revoke.mutateAsync(link.id).then(
                    () => {
                      if (created?.id === link.id) setCreated(null);
                      void message.success(t("dashboards.share.revoked"));
                    },
                    (error: unknown) => showProblem(error),
                  )
                }
              >
                <Button danger>{t("dashboards.share.revoke")}</Button>
              </Popconfirm>,
            ]}
          >
            <List.Item.Meta
              title={link.name || t("dashboards.share.unnamed")}
              description={
                <Space orientation="vertical" size={0}>
                  {link.prefix && <Typography.Text code>/share/d/{link.prefix}…</Typography.Text>}
                  {link.created_at && (
                    <Typography.Text type="secondary">
                      {t("dashboards.share.createdAt", { time: formatDateTime(link.created_at) })}
                    </Typography.Text>
                  )}
                </Space>
              }
            />
          </List.Item>
        )}
      />
    </Modal>
  );
}
