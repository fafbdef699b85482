// An app as its users work in it: loads the app (404 → a clear message), and gives the pages
// below it the app through the outlet's context. The app's menu is in the side menu (SideMenu).
import { Button, Result, Spin } from "antd";
import { useTranslation } from "react-i18next";
import { Outlet, useNavigate, useOutletContext, useParams } from "react-router";
import { useApp, type AppInfo } from "../../api/apps";
import { ApiError } from "../../api/client";

export interface AppOutlet {
  app: AppInfo;
}

export function useAppOutlet(): AppOutlet {
  return useOutletContext<AppOutlet>();
}

export default function AppLayout() {
  const { t } = useTranslation();
  const { appKey = "" } = useParams();
  const navigate = useNavigate();
  const app = useApp(appKey);
  if (app.isLoading) {
    return (
      <div className="qq-center">
        <Spin />
      </div>
    );
  }
  if (!app.data) {
    const missing = app.error instanceof ApiError && app.error.status === 404;
    return (
      <Result
        status={missing ? "404" : "error"}
        title={missing ? t("runtime.app.notFound") : t("errors.unexpected")}
        extra={
          <Button type="primary" onClick={() => navigate("/")}>
            {t("nav.home")}
          </Button>
        }
      />
    );
  }
  return (
    <div className="qq-app" style={{ ["--qq-app-color" as string]: app.data.color }}>
      <Outlet context={{ app: app.data } satisfies AppOutlet} />
    </div>
  );
}
