// Renders its children only for a signed-in person; otherwise goes to the login page.
import { Button } from "antd";
import { useRef, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { Navigate, useLocation } from "react-router";
import { useMe } from "../api/auth";
import { ApiError } from "../api/client";
import { CurrentUserContext } from "./currentUser";
import { Notice } from "./Notice";
import { PageLoading } from "./RouteError";
import { describeError } from "./useShowProblem";

export function RequireAuth({ children }: { children: ReactNode }) {
  const me = useMe();
  const location = useLocation();
  const { t } = useTranslation();
  const lastKnown = useRef(me.data);
  if (me.data) lastKnown.current = me.data;
  if (me.isPending && !lastKnown.current) return <PageLoading />;
  if (me.isError && !me.data) {
    if (me.error instanceof ApiError && me.error.status === 401) {
      const next = location.pathname + location.search;
      return <Navigate to={`/login?next=${encodeURIComponent(next)}`} replace />;
    }
    return (
      <Notice
        title={t("errors.loadFailed")}
        detail={describeError(t, me.error)}
        action={<Button onClick={() => void me.refetch()}>{t("common.retry")}</Button>}
      />
    );
  }
  return <CurrentUserContext.Provider value={me.data ?? lastKnown.current!}>{children}</CurrentUserContext.Provider>;
}
