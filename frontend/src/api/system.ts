// Server facts shown in the shell.
import { useQuery } from "@tanstack/react-query";
import { api } from "./client";

export function useVersion() {
  return useQuery({
    queryKey: ["version"],
    queryFn: ({ signal }) => api.get<{ version: string }>("/api/version", undefined, signal),
    staleTime: Infinity,
    select: (v) => v.version,
  });
}
