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
