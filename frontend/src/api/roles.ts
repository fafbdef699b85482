// Admin: roles. Builtin ones (admin, builder, member) cannot be deleted.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import type { Id, Items, Role } from "./types";

const rolesKey = ["admin", "roles"] as const;

export function useRoles() {
  return useQuery({
    queryKey: rolesKey,
    queryFn: ({ signal }) => api.get<Items<Role>>("/api/admin/roles", undefined, signal),
    select: (page) => page.items,
  });
}

function useInvalidate() {
  const qc = useQueryClient();
  return () => qc.invalidateQueries({ queryKey: rolesKey });
}

export function useCreateRole() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (input: { key: string; name: string; description?: string }) =>
      api.post<Role>("/api/admin/roles", input),
    onSuccess: invalidate,
  });
}

export function useUpdateRole() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: ({ id, change }: { id: Id; change: { name?: string; description?: string } }) =>
      api.patch<Role>(`/api/admin/roles/${id}`, change),
    onSuccess: invalidate,
  });
}

export function useDeleteRole() {
  const invalidate = useInvalidate();
  return useMutation({
    mutationFn: (id: Id) => api.delete(`/api/admin/roles/${id}`),
    onSuccess: invalidate,
  });
}
