// Admin pages: a clear "no access" rather than a page of failing requests.
import { Result } from "antd";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useCurrentUser } from "../../components/currentUser";

export function RequireAdmin({ children }: { children: ReactNode }) {
  const me = useCurrentUser();
  const { t } = useTranslation();
  if (!me.is_admin) {
    return <Result status="403" title={t("errors.forbiddenTitle")} subTitle={t("errors.adminOnly")} />;
  }
  return children;
}
