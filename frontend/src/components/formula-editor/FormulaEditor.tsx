// The formula editor: a code-like text area that colours the formula, completes field and
// function names as they are typed, lists the function catalogue, and marks the server's
// errors at their position while the person types. Flow and report designers reuse it.
import { CheckCircleFilled, CloseCircleFilled, FunctionOutlined, LoadingOutlined } from "@ant-design/icons";
import { Button, Popover } from "antd";
import { useEffect, useId, useMemo, useRef, useState } from "react";
import type { KeyboardEvent, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { useExprFunctions, useFormulaCheck } from "../../api/expr";
import type { ExprFieldSpec, FormulaProblem } from "../../api/expr";
import { FunctionCatalogue } from "./FunctionCatalogue";
import { applySuggestion, errorSpan, insideString, suggest, tokenize, wordBefore } from "./tokenizer";
import type { FieldOption, Suggestion } from "./tokenizer";
import "./formula-editor.css";

export interface FormulaEditorProps {
  value: string | null | undefined;
  onChange: (value: string) => void;
  /** the fields the formula may name, for autocompletion (key and label in the UI language) */
  fields: FieldOption[];
  /** what the server checks the formula against: fields with their expression types, a saved form, or a draft */
  checkWith?: { fields?: ExprFieldSpec[]; form?: string; draft?: { app: string; definition: unknown } };
  /** the type the place of use needs, e.g. "bool" for rules and visibility */
  expect?: string;
  id?: string;
  placeholder?: string;
  rows?: number;
  disabled?: boolean;
  "aria-label"?: string;
  /** colour and complete only; no server check (where no field list fits, e.g. a subform row) */
  noCheck?: boolean;
  /** the server's verdict after each check (e.g. to block saving) */
  onVerdict?: (problems: FormulaProblem[]) => void;
}

function useDebounced<T>(value: T, ms: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), ms);
    return () => clearTimeout(timer);
  }, [value, ms]);
  return debounced;
}

function highlighted(text: string, problems: FormulaProblem[]): ReactNode[] {
  const spans = problems.filter((p) => p.offset !== null).map((p) => errorSpan(text, p.offset!));
  const inError = (i: number) => spans.some(([s, e]) => s <= i && i < e);
  const out: ReactNode[] = [];
  for (const token of tokenize(text)) {
    // split a token where an error span starts or ends, so the underline lands exactly
    let from = token.start;
    for (let i = token.start + 1; i <= token.end; i++) {
      if (i === token.end || inError(i) !== inError(from)) {
        const cls = `qq-fx-${token.kind}${inError(from) ? " qq-fx-error" : ""}`;
        out.push(
          <span key={from} className={cls}>
            {text.slice(from, i)}
          </span>,
        );
        from = i;
      }
    }
  }
  // a trailing newline needs a character after it to take up its line in the backdrop
  out.push(<span key="end"> </span>);
  return out;
}

export function FormulaEditor(props: FormulaEditorProps) {
  const { value, onChange, fields, checkWith, expect, disabled, rows = 2, onVerdict } = props;
  const text = value ?? "";
  const { t, i18n } = useTranslation();
  const autoId = useId();
  const id = props.id ?? `fx-${autoId}`;
  const listId = `${id}-suggestions`;
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const backdropRef = useRef<HTMLPreElement>(null);
  const [caret, setCaret] = useState<number | null>(null);
  const [active, setActive] = useState(0);
  const [dismissed, setDismissed] = useState(false);
  const [catalogueOpen, setCatalogueOpen] = useState(false);
  const catalogue = useExprFunctions();

  const debounced = useDebounced(text, 350);
  const check = useFormulaCheck(
    debounced.trim() && !props.noCheck ? { formula: debounced, ...(checkWith ?? { fields: [] }), ...(expect ? { expect } : {}) } : null,
  );
  const verdict = debounced.trim() && check.data && !check.isPlaceholderData ? check.data : null;
  const problems = useMemo(() => (verdict && !verdict.ok ? verdict.problems : []), [verdict]);
  const stale = !props.noCheck && (debounced !== text || check.isFetching);

  useEffect(() => {
    if (verdict) onVerdict?.(verdict.ok ? [] : verdict.problems);
  }, [verdict, onVerdict]);

  const functions = useMemo(
    () => (catalogue.data?.items ?? []).map((f) => ({ name: f.name, signature: f.signature })),
    [catalogue.data],
  );
  const word = caret === null ? null : wordBefore(text, caret);
  const suggestions: Suggestion[] =
    word && !dismissed && !insideString(text, caret!) ? suggest(word.prefix, fields, functions) : [];
  const open = suggestions.length > 0;

  const insertAt = (start: number, end: number, insert: string) => {
    const next = applySuggestion(text, start, end, insert);
    onChange(next.text);
    setDismissed(true);
    requestAnimationFrame(() => {
      const area = areaRef.current;
      if (!area) return;
      area.focus();
      area.setSelectionRange(next.caret, next.caret);
      setCaret(next.caret);
    });
  };

  const pick = (s: Suggestion) => {
    if (!word || caret === null) return;
    insertAt(word.start, caret, s.insert);
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (!open) return;
    if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const step = e.key === "ArrowDown" ? 1 : -1;
      setActive((a) => (a + step + suggestions.length) % suggestions.length);
    } else if (e.key === "Enter" || e.key === "Tab") {
      e.preventDefault();
      pick(suggestions[Math.min(active, suggestions.length - 1)]);
    } else if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      setDismissed(true);
    }
  };

  const syncScroll = () => {
    if (backdropRef.current && areaRef.current) {
      backdropRef.current.scrollTop = areaRef.current.scrollTop;
      backdropRef.current.scrollLeft = areaRef.current.scrollLeft;
    }
  };

  const lang = i18n.resolvedLanguage === "en" ? "en" : "zh-CN";
  const status = !text.trim() ? null : stale ? (
    <span className="qq-fx-status-checking">
      <LoadingOutlined aria-hidden /> {t("builder.formula.checking")}
    </span>
  ) : verdict?.ok ? (
    <span className="qq-fx-status-ok">
      <CheckCircleFilled aria-hidden /> {t("builder.formula.ok", { type: verdict.type })}
    </span>
  ) : verdict ? (
    <span className="qq-fx-status-error">
      <CloseCircleFilled aria-hidden />{" "}
      {problems.map((p) => (lang === "en" ? p.message_en : p.message_zh) || p.message).join(" ")}
    </span>
  ) : null;

  return (
    <div className={`qq-fx${problems.length && !stale ? " qq-fx-has-error" : ""}${disabled ? " qq-fx-disabled" : ""}`}>
      <div className="qq-fx-box">
        <pre ref={backdropRef} className="qq-fx-backdrop" aria-hidden>
          {highlighted(text, stale ? [] : problems)}
        </pre>
        <textarea
          ref={areaRef}
          id={id}
          className="qq-fx-input"
          value={text}
          rows={rows}
          disabled={disabled}
          placeholder={props.placeholder}
          aria-label={props["aria-label"]}
          aria-invalid={problems.length > 0 && !stale}
          aria-describedby={`${id}-status`}
          role="combobox"
          aria-expanded={open}
          aria-controls={listId}
          aria-autocomplete="list"
          aria-activedescendant={open ? `${listId}-${active}` : undefined}
          spellCheck={false}
          autoComplete="off"
          onChange={(e) => {
            onChange(e.target.value);
            setCaret(e.target.selectionStart);
            setDismissed(false);
            setActive(0);
          }}
          onSelect={(e) => setCaret(e.currentTarget.selectionStart)}
          onBlur={() => setTimeout(() => setDismissed(true), 150)}
          onKeyDown={onKeyDown}
          onScroll={syncScroll}
        />
        {open ? (
          <ul id={listId} role="listbox" className="qq-fx-suggestions" aria-label={t("builder.formula.suggestions")}>
            {suggestions.map((s, i) => (
              <li
                key={`${s.kind}-${s.insert}`}
                id={`${listId}-${i}`}
                role="option"
                aria-selected={i === active}
                className={i === active ? "qq-fx-suggestion-active" : undefined}
                onMouseDown={(e) => {
                  e.preventDefault();
                  pick(s);
                }}
              >
                <span className={`qq-fx-kind qq-fx-kind-${s.kind}`}>{t(`builder.formula.kind.${s.kind}`)}</span>
                <span className="qq-fx-suggestion-label">{s.label}</span>
                {s.detail ? <span className="qq-fx-suggestion-detail">{s.detail}</span> : null}
              </li>
            ))}
          </ul>
        ) : null}
      </div>
      <div className="qq-fx-foot">
        <div id={`${id}-status`} className="qq-fx-status" aria-live="polite">
          {status}
        </div>
        <Popover
          open={catalogueOpen}
          onOpenChange={setCatalogueOpen}
          trigger="click"
          placement="bottomRight"
          title={t("builder.formula.catalogue")}
          content={
            <FunctionCatalogue
              catalogue={catalogue.data}
              lang={lang}
              onPick={(name) => {
                setCatalogueOpen(false);
                const area = areaRef.current;
                const at = area ? area.selectionStart : text.length;
                const end = area ? area.selectionEnd : text.length;
                insertAt(at, end, `${name}(`);
              }}
            />
          }
        >
          <Button size="small" type="link" icon={<FunctionOutlined aria-hidden />} disabled={disabled}>
            {t("builder.formula.functions")}
          </Button>
        </Popover>
      </div>
    </div>
  );
}
