// Admin: people who can sign in.
import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import type { Id, Page, User } from "./types";

const usersKey = ["admin", "users"] as const;

export interface UserFilter {
  q?: string;
  department_id?: Id;
  role_id?: Id;
  limit?: number;
  offset?: number;
}

export function useUsers(filter: UserFilter, options: { enabled?: boolean } = {}) {
  return useQuery({
    queryKey: [...usersKey, "list", filter],
    queryFn: ({ signal }) => api.get<Page<User>>("/api/admin/users", { ...filter }, signal),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  });
}

export interface NewUser {
  username: string;
  display_name: string;
  email?: string | null;
  password: string;
  role_ids?: Id[];
  department_ids?: Id[];
  locale?: string | null;
}

export type UserChange = Partial<Omit<NewUser, "username">> & { is_active?: boolean };

function useInvalidateUsers() {
  const qc = useQueryClient();
  return () =>
    Promise.all([
      qc.invalidateQueries({ queryKey: usersKey }),
      // member counts and role user counts change with memberships
      qc.invalidateQueries({ queryKey: ["admin", "departments"] }),
      qc.invalidateQueries({ queryKey: ["admin", "roles"] }),
      qc.invalidateQueries({ queryKey: ["directory"] }),  // the pickers' people and names
    ]);
}

export function useCreateUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: (user: NewUser) => api.post<User>("/api/admin/users", user),
    onSuccess: invalidate,
  });
}

export function useUpdateUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: ({ id, change }: { id: Id; change: UserChange }) =>
      api.patch<User>(`/api/admin/users/${id}`, change),
    onSuccess: invalidate,
  });
}

/** DELETE disables: the account stays for the audit trail but can no longer sign in. */
export function useDisableUser() {
  const invalidate = useInvalidateUsers();
  return useMutation({
    mutationFn: (id: Id) => api.delete(`/api/admin/users/${id}`),
    onSuccess: invalidate,
  });
}
