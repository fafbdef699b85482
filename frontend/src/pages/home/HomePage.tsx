// Home: a greeting, the person's roles and departments, and (for admins) where to start.
import { Card, Col, Empty, Row, Space, Tag, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { useCurrentUser } from "../../components/currentUser";
import { roleName } from "../../components/format";
import { ADMIN_PAGES } from "../shell/SideMenu";

export default function HomePage() {
  const { t } = useTranslation();
  const me = useCurrentUser();
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
      <Card title={t("home.appsTitle")}>
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("home.noApps")} />
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
    </Space>
  );
}
