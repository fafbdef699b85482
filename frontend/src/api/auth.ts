// The signed-in person: session, profile, password and personal API tokens.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { api } from "./client";
import type { ApiToken, CreatedApiToken, Id, Items, Me } from "./types";

export const meKey = ["auth", "me"] as const;
const tokensKey = ["auth", "tokens"] as const;

export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: ({ signal }) => api.get<Me>("/api/auth/me", undefined, signal) });
}

export interface Credentials {
  username: string;
  password: string;
}

export function useLogin() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (credentials: Credentials) =>
      api.post<{ user: Me }>("/api/auth/login", credentials, { redirectOn401: false }),
    onSuccess: ({ user }) => {
      qc.clear();
      qc.setQueryData(meKey, user);
    },
  });
}

/** `onSignedOut` runs (to leave the signed-in pages) before the cache is dropped. */
export function useLogout(onSignedOut: () => void) {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: () => api.post<void>("/api/auth/logout", undefined, { redirectOn401: false }),
    onSettled: () => {
      onSignedOut();
      qc.clear();
    },
  });
}

export interface ProfileChange {
  display_name?: string;
  email?: string | null;
  locale?: string | null;
}

export function useUpdateMe() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (change: ProfileChange) => api.patch<Me>("/api/auth/me", change),
    onSuccess: (me) => qc.setQueryData(meKey, me),
  });
}

export interface PasswordChange {
  current_password: string;
  new_password: string;
}

export function useChangePassword() {
  return useMutation({
    mutationFn: (change: PasswordChange) => api.post<void>("/api/auth/password", change),
  });
}

export function useTokens() {
  return useQuery({
    queryKey: tokensKey,
    queryFn: ({ signal }) => api.get<Items<ApiToken>>("/api/auth/tokens", undefined, signal),
  });
}

export function useCreateToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (input: { name: string; expires_in_days: number }) =>
      api.post<CreatedApiToken>("/api/auth/tokens", input),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokensKey }),
  });
}

export function useRevokeToken() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: (id: Id) => api.delete(`/api/auth/tokens/${id}`),
    onSuccess: () => qc.invalidateQueries({ queryKey: tokensKey }),
  });
}
