// Providers: antd theme and locale (following i18next), TanStack Query, the router.
import { QueryClientProvider } from "@tanstack/react-query";
import { App as AntApp, ConfigProvider } from "antd";
import enUS from "antd/locale/en_US";
import zhCN from "antd/locale/zh_CN";
import { useEffect } from "react";
import { useTranslation } from "react-i18next";
import { RouterProvider } from "react-router";
import { setUnauthorizedHandler } from "./api/client";
import { createQueryClient } from "./api/queryClient";
import { createRouter } from "./router";

const queryClient = createQueryClient();
const router = createRouter();

// A lost session anywhere sends the person to sign in again, then back where they were.
setUnauthorizedHandler(() => {
  const { pathname, search } = router.state.location;
  if (pathname === "/login") return;
  void router.navigate(`/login?next=${encodeURIComponent(pathname + search)}`, { replace: true });
  setTimeout(() => queryClient.removeQueries(), 0);
});

const theme = {
  token: {
    colorPrimary: "#1f4fd6",
    borderRadius: 6,
    fontFamily:
      '-apple-system, BlinkMacSystemFont, "Segoe UI", Roboto, "Helvetica Neue", Arial, "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "WenQuanYi Micro Hei", sans-serif',
  },
};

export function App() {
  const { i18n } = useTranslation();
  const locale = i18n.resolvedLanguage === "en" ? enUS : zhCN;
  useEffect(() => {
    document.title = i18n.t("app.name");
  }, [i18n, locale]);
  return (
    <ConfigProvider locale={locale} theme={theme} button={{ autoInsertSpace: false }}>
      <AntApp>
        <QueryClientProvider client={queryClient}>
          <RouterProvider router={router} />
        </QueryClientProvider>
      </AntApp>
    </ConfigProvider>
  );
}
