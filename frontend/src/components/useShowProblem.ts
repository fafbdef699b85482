// Shows a failed request to the person: field errors at their fields, the rest as a message.
import { App } from "antd";
import type { FormInstance } from "antd";
import type { TFunction } from "i18next";
import { useCallback } from "react";
import { useTranslation } from "react-i18next";
import { ApiError, NetworkError, splitFieldErrors } from "../api/client";

export function describeError(t: TFunction, error: unknown, extra: string[] = []): string {
  if (error instanceof NetworkError) return t("errors.network");
  if (!(error instanceof ApiError)) return t("errors.unexpected");
  if (error.status === 429) {
    return error.retryAfter
      ? t("errors.throttledFor", { seconds: error.retryAfter })
      : t("errors.throttled");
  }
  const { detail, title } = error.problem;
  const base =
    detail ||
    (error.status === 403 ? t("errors.forbidden") : error.status === 404 ? t("errors.notFound") : "") ||
    title ||
    t("errors.unexpected");
  const more = extra.filter((m) => m && m !== base);
  return more.length ? `${base} ${more.join(" ")}` : base;
}

/** Returns `show(error, form?)`. */
export function useShowProblem() {
  const { message } = App.useApp();
  const { t } = useTranslation();
  return useCallback(
    (error: unknown, form?: FormInstance) => {
      if (error instanceof ApiError && form) {
        const known = Object.keys(form.getFieldsValue() ?? {});
        const { fields, other } = splitFieldErrors(error.problem, known);
        if (fields.size) {
          form.setFields([...fields].map(([name, errors]) => ({ name, errors })));
          if (!other.length) return;
        }
        void message.error(describeError(t, error, other));
        return;
      }
      const extra = error instanceof ApiError ? error.problem.errors.map((e) => e.message) : [];
      void message.error(describeError(t, error, extra));
    },
    [message, t],
  );
}
