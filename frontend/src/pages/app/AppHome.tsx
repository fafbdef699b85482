// An app's front door: its home dashboard when one is set, else the first entry of its menu.
import { Empty, Spin, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { Navigate, useParams } from "react-router";
import { useAppDashboards } from "../../api/appRuntime";
import { useAppMenu } from "./AppMenu";
import { dashboardPath, firstTarget } from "./paths";
import { useAppOutlet } from "./AppLayout";

export default function AppHome() {
  const { t } = useTranslation();
  const { appKey = "" } = useParams();
  const { app } = useAppOutlet();
  const dashboards = useAppDashboards(appKey);
  const { menu, loading } = useAppMenu(appKey);
  if (dashboards.isLoading || loading) {
    return (
      <div className="qq-center">
        <Spin />
      </div>
    );
  }
  const home = dashboards.data?.find((d) => d.is_home);
  const target = home ? dashboardPath(appKey, home.id) : firstTarget(appKey, menu);
  if (target) return <Navigate to={target} replace />;
  return (
    <div className="qq-page">
      <Typography.Title level={2}>{app.name}</Typography.Title>
      <Empty description={t("runtime.app.empty")} />
    </div>
  );
}
