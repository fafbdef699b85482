// The expression language as the formula editor needs it: the function catalogue, and the
// live check of a formula against the fields it may name.
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import type { I18nText } from "../registries/fields/types";
import { ApiError, api } from "./client";

export interface ExprFunction {
  name: string;
  family: string;
  signature: string;
  params: { name: string; type: string; optional: boolean }[];
  variadic: boolean;
  returns: string;
  description: I18nText;
  examples: { formula: string; result: string }[];
}

export interface ExprCatalogue {
  items: ExprFunction[];
  families: string[];
  types: string[];
}

/** A field as a formula sees it: its key and expression type (`number`, `list<text>`, `records`…). */
export interface ExprFieldSpec {
  key: string;
  type: string;
  fields?: ExprFieldSpec[];
}

export interface FormulaCheckRequest {
  formula: string;
  fields?: ExprFieldSpec[];
  /** or the fields of a saved form, "<app>.<form>" */
  form?: string;
  /** or the fields of a draft on screen, not saved yet (its app's designers only) */
  draft?: { app: string; definition: unknown };
  /** the type the place of use needs, e.g. "bool" for rules and visibility */
  expect?: string;
}

export interface FormulaProblem {
  message: string;
  /** the message in each language, when the server gives both */
  message_en?: string;
  message_zh?: string;
  /** character offset from 0 where the problem starts, when the server names one */
  offset: number | null;
  code?: string;
}

interface Dependencies {
  fields: string[];
  context: string[];
  volatile: boolean;
}

export type FormulaCheck =
  | { ok: true; type: string; dependencies: Dependencies }
  | { ok: false; problems: FormulaProblem[] };

export function useExprFunctions() {
  return useQuery({
    queryKey: ["expr", "functions"],
    queryFn: ({ signal }) => api.get<ExprCatalogue>("/api/expr/functions", undefined, signal),
    staleTime: Infinity,
  });
}

/** The server's verdict on a formula; a refused formula is an answer, not a failure. */
export async function checkFormula(body: FormulaCheckRequest, signal?: AbortSignal): Promise<FormulaCheck> {
  try {
    const out = await api.post<{ type: string; dependencies: Dependencies }>("/api/expr/check", body, { signal });
    return { ok: true, type: out.type, dependencies: out.dependencies };
  } catch (error) {
    if (error instanceof ApiError && error.status === 422) {
      const problems = error.problem.errors.map((e) => {
        const position = e.extra?.position as { offset?: number } | null | undefined;
        const text = (k: string) => (typeof e.extra?.[k] === "string" ? (e.extra[k] as string) : undefined);
        return {
          message: e.message,
          message_en: text("message_en"),
          message_zh: text("message_zh"),
          offset: typeof position?.offset === "number" ? position.offset : null,
          code: typeof e.extra?.code === "string" ? e.extra.code : undefined,
        };
      });
      return { ok: false, problems: problems.length ? problems : [{ message: error.message, offset: null }] };
    }
    throw error;
  }
}

/** Checks `body` (already debounced by the caller); keeps the last verdict while the next loads. */
export function useFormulaCheck(body: FormulaCheckRequest | null) {
  return useQuery({
    queryKey: ["expr", "check", body],
    queryFn: ({ signal }) => checkFormula(body!, signal),
    enabled: !!body && body.formula.trim() !== "",
    placeholderData: keepPreviousData,
    staleTime: 60_000,
    retry: false,
  });
}
