// Admin: the audit log, newest first, paged by cursor ("load more").
import { useInfiniteQuery } from "@tanstack/react-query";
import { api } from "./client";
import type { AuditPage, Id } from "./types";

export interface AuditFilter {
  action?: string;
  actor_id?: Id;
  target_type?: string;
  target_id?: string;
  since?: string;
  until?: string;
}

export const AUDIT_PAGE_SIZE = 50;

export function useAuditLog(filter: AuditFilter) {
  return useInfiniteQuery({
    queryKey: ["admin", "audit", filter],
    initialPageParam: undefined as Id | undefined,
    queryFn: ({ pageParam, signal }) =>
      api.get<AuditPage>(
        "/api/admin/audit",
        { ...filter, limit: AUDIT_PAGE_SIZE, before_id: pageParam },
        signal,
      ),
    getNextPageParam: (last) => last.next_before_id ?? undefined,
    staleTime: 0,
  });
}
