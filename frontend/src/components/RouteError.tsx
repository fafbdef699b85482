// Shown when a page fails to render or its chunk fails to load (after a deploy, say).
import { Button } from "antd";
import { useTranslation } from "react-i18next";
import { isRouteErrorResponse, useRouteError } from "react-router";
import { Notice } from "./Notice";

export function RouteError() {
  const error = useRouteError();
  const { t } = useTranslation();
  if (isRouteErrorResponse(error) && error.status === 404) {
    return <Notice title={t("errors.pageNotFound")} />;
  }
  return (
    <Notice
      title={t("errors.pageFailed")}
      detail={t("errors.pageFailedHint")}
      action={
        <Button type="primary" onClick={() => window.location.reload()}>
          {t("common.reload")}
        </Button>
      }
    />
  );
}

export function PageLoading() {
  const { t } = useTranslation();
  return (
    <div className="qq-center" role="status" aria-label={t("common.loading")}>
      <span className="qq-spinner" />
    </div>
  );
}
