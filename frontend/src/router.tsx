// Routes. Every area is its own chunk, loaded when first visited.
import { createBrowserRouter, Navigate, type RouteObject } from "react-router";
import { RequireAuth } from "./components/RequireAuth";
import { PageLoading, RouteError } from "./components/RouteError";

const page = (load: () => Promise<{ default: React.ComponentType }>) => async () => ({
  Component: (await load()).default,
});

const admin = (load: () => Promise<{ default: React.ComponentType }>) => async () => {
  const [{ default: Page }, { RequireAdmin }] = await Promise.all([load(), import("./pages/admin/RequireAdmin")]);
  return {
    Component: () => (
      <RequireAdmin>
        <Page />
      </RequireAdmin>
    ),
  };
};

const areas: RouteObject[] = [
  { path: "/login", lazy: page(() => import("./pages/login/LoginPage")) },
  // A dashboard shared by a public read-only link: no sign-in, no shell.
  { path: "/share/d/:token", lazy: page(() => import("./pages/dashboards/SharedDashboardPage")) },
  {
    path: "/",
    lazy: async () => {
      const Shell = (await import("./pages/shell/AppShell")).default;
      return {
        Component: () => (
          <RequireAuth>
            <Shell />
          </RequireAuth>
        ),
      };
    },
    children: [
      { index: true, lazy: page(() => import("./pages/home/HomePage")) },
      { path: "account", element: <Navigate to="/account/profile" replace /> },
      { path: "account/:tab", lazy: page(() => import("./pages/account/AccountPage")) },
      {
        // An app as its users work in it (pages/app): its menu, record lists, records, dashboards.
        path: "apps/:appKey",
        lazy: page(() => import("./pages/app/AppLayout")),
        children: [
          { index: true, lazy: page(() => import("./pages/app/AppHome")) },
          { path: "forms/:formKey", lazy: page(() => import("./pages/app/list/ListPage")) },
          { path: "forms/:formKey/new", lazy: page(() => import("./pages/app/record/NewRecordPage")) },
          { path: "forms/:formKey/records/:recordId", lazy: page(() => import("./pages/app/record/RecordPage")) },
          { path: "dashboards/:dashboardId", lazy: page(() => import("./pages/dashboards/DashboardPage")) },
        ],
      },
      // The builder (pages/builder): app settings and menu, the form designer.
      { path: "build/:appKey", lazy: page(() => import("./pages/builder/AppBuilderPage")) },
      { path: "build/:appKey/forms/:formKey", lazy: page(() => import("./pages/builder/designer/FormDesignerPage")) },
      { path: "admin", element: <Navigate to="/admin/users" replace /> },
      { path: "admin/users", lazy: admin(() => import("./pages/admin/users/UsersPage")) },
      { path: "admin/departments", lazy: admin(() => import("./pages/admin/departments/DepartmentsPage")) },
      { path: "admin/roles", lazy: admin(() => import("./pages/admin/roles/RolesPage")) },
      { path: "admin/audit", lazy: admin(() => import("./pages/admin/audit/AuditPage")) },
      { path: "*", lazy: page(() => import("./pages/NotFoundPage")) },
    ],
  },
];

export const routes: RouteObject[] = [
  { id: "root", hydrateFallbackElement: <PageLoading />, errorElement: <RouteError />, children: areas },
];

export function createRouter() {
  return createBrowserRouter(routes);
}
