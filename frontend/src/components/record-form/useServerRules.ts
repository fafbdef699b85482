// The form's visibility rules and formulas, evaluated by the server (POST /api/expr/evaluate)
// for the values being edited: at once when the form opens, then after each pause in typing.
import { useEffect, useMemo, useRef, useState } from "react";
import { evaluateForm } from "../../api/forms";
import { fieldUI } from "../../registries/fields";
import type { FieldDef } from "../../registries/fields/types";
import { toInput } from "./values";
import { hasRules } from "./visibility";

const PAUSE_MS = 350;

export interface ServerRules {
  /** per field with a rule: shown or not (until the first answer: not, so nothing flashes) */
  visible: Record<string, boolean>;
  /** formula fields' values */
  computed: Record<string, unknown>;
  /** per subform: each row's formula columns */
  computedRows: Record<string, Record<string, unknown>[]>;
}

const isComputed = (type: string) => fieldUI(type).role === "computed";

export function useServerRules(
  appKey: string,
  formKey: string,
  fields: FieldDef[],
  values: Record<string, unknown>,
  enabled: boolean,
): ServerRules {
  const [visible, setVisible] = useState<Record<string, boolean>>({});
  const [computed, setComputed] = useState<Record<string, unknown>>({});
  const [computedRows, setComputedRows] = useState<Record<string, Record<string, unknown>[]>>({});
  const [answered, setAnswered] = useState(false);
  const asked = useRef(false);
  const needed = useMemo(
    () => hasRules(fields) || fields.some((f) => isComputed(f.type) || (f.fields ?? []).some((c) => isComputed(c.type))),
    [fields],
  );
  const active = enabled && needed && !!appKey && !!formKey;

  useEffect(() => {
    if (!active) {
      setAnswered(true);
      return;
    }
    const controller = new AbortController();
    const delay = asked.current ? PAUSE_MS : 0;
    asked.current = true;
    const timer = setTimeout(() => {
      const sent: Record<string, unknown> = {};
      for (const f of fields) {
        if ((fieldUI(f.type).role ?? "value") !== "value" || values[f.key] === undefined) continue;
        sent[f.key] = toInput(f, values[f.key], fieldUI);
      }
      evaluateForm(appKey, formKey, sent, controller.signal)
        .then((out) => {
          setVisible(out.visible ?? {});
          setComputed(out.computed ?? {});
          setComputedRows(out.rows ?? {});
          setAnswered(true);
        })
        .catch((error: unknown) => {
          // Unanswered, every field shows: the server checks again on save.
          if (!(error instanceof DOMException && error.name === "AbortError")) setAnswered(true);
        });
    }, delay);
    return () => {
      clearTimeout(timer);
      controller.abort();
    };
  }, [active, appKey, formKey, fields, values]);

  const shownByRule = useMemo(() => {
    if (answered) return visible;
    const waiting = Object.fromEntries(fields.filter((f) => f.visible_when).map((f) => [f.key, false]));
    return { ...waiting, ...visible };
  }, [answered, visible, fields]);

  return { visible: shownByRule, computed, computedRows };
}
