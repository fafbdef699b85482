// Home: a greeting, the person's apps as cards (open, or design for those who may), creating
// an app, and for admins where to start in the administration.
import { EditOutlined, PlusOutlined } from "@ant-design/icons";
import { Button, Card, Col, Empty, Row, Skeleton, Space, Tag, Typography } from "antd";
import { useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useApps } from "../../api/apps";
import { useCurrentUser } from "../../components/currentUser";
import { roleName } from "../../components/format";
import { ADMIN_PAGES } from "../shell/SideMenu";
import { AppIcon } from "./appLook";
import { CreateAppModal } from "./CreateAppModal";
import "./home.css";

/** Creating apps is for the platform's builders and admins (builder/apps/service.py DESIGN_ROLES). */
const BUILDER_ROLES = new Set(["admin", "builder"]);

export default function HomePage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
  const apps = useApps();
  const [creating, setCreating] = useState(false);
  const mayCreate = me.is_admin || me.roles.some((r) => BUILDER_ROLES.has(r.key));

  return (
    <Space orientation="vertical" size="large" className="qq-page">
      <div>
        <Typography.Title level={2}>{t("home.greeting", { name: me.display_name || me.username })}</Typography.Title>
        <Space wrap size={[4, 8]}>
          {me.roles.map((r) => (
            <Tag color="blue" key={String(r.id)}>
              {roleName(t, r)}
            </Tag>
          ))}
          {me.departments.map((d) => (
            <Tag key={String(d.id)}>{d.name}</Tag>
          ))}
        </Space>
      </div>
      <Card
        title={t("home.appsTitle")}
        extra={
          mayCreate ? (
            <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => setCreating(true)}>
              {t("builder.app.new")}
            </Button>
          ) : null
        }
      >
        {apps.isPending ? (
          <Skeleton active />
        ) : apps.data?.length ? (
          <ul className="qq-app-grid" aria-label={t("home.appsTitle")}>
            {apps.data.map((app) => (
              <li key={app.key} className="qq-app-card">
                <Link to={`/apps/${app.key}`} className="qq-app-open">
                  <AppIcon icon={app.icon} color={app.color} size={44} />
                  <span className="qq-app-text">
                    <strong className="qq-app-name">{app.name}</strong>
                    <Typography.Text type="secondary" className="qq-app-desc">
                      {app.description || app.key}
                    </Typography.Text>
                  </span>
                </Link>
                {app.can_design ? (
                  <Link
                    to={`/build/${app.key}`}
                    className="qq-app-design"
                    aria-label={t("builder.app.designNamed", { name: app.name })}
                  >
                    <EditOutlined aria-hidden />
                    <span>{t("builder.app.design")}</span>
                  </Link>
                ) : null}
              </li>
            ))}
          </ul>
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("home.noApps")}>
            {mayCreate ? (
              <Button type="primary" onClick={() => setCreating(true)}>
                {t("builder.app.createFirst")}
              </Button>
            ) : null}
          </Empty>
        )}
      </Card>
      {me.is_admin ? (
        <Card title={t("home.adminTitle")}>
          <Row gutter={[16, 16]}>
            {ADMIN_PAGES.map((p) => (
              <Col xs={24} sm={12} xl={6} key={p.path}>
                <Link to={p.path} className="qq-tile">
                  <span className="qq-tile-icon">{p.icon}</span>
                  <span>
                    <strong>{t(p.key)}</strong>
                    <br />
                    <Typography.Text type="secondary">{t(`${p.key}Hint`)}</Typography.Text>
                  </span>
                </Link>
              </Col>
            ))}
          </Row>
        </Card>
      ) : null}
      <CreateAppModal open={creating} onClose={() => setCreating(false)} />
    </Space>
  );
}
