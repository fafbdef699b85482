// The record form: a published form definition rendered with each field type's own widget,
// laid out in tabs, sections and 1-4 column rows. It checks values as the server would,
// asks the server which fields their visibility rules show (and what formulas give), puts
// server errors at the fields they name, and settles stale-version conflicts field by field.
// The runtime create/edit pages, fill-in tasks and the designer preview all render this.
import { Alert, App, Button, Col, Collapse, Divider, Form, Row, Space, Tabs, Typography } from "antd";
import type { FormInstance } from "antd";
import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { useTranslation } from "react-i18next";
import { ApiError } from "../../api/client";
import type { FormDef } from "../../api/forms";
import "../../registries/fields/all";
import { fieldUI } from "../../registries/fields";
import { ComputedRowsContext, PathErrorsContext } from "../../registries/fields/context";
import type { FieldContext, FieldDef, FieldRole } from "../../registries/fields/types";
import { isEmptyValue, pickText } from "../../registries/fields/values";
import { describeError } from "../useShowProblem";
import { ConflictDialog } from "./ConflictDialog";
import { defaultChoices, diffConflict, mergeConflict, type Choice, type ConflictEntry } from "./conflict";
import { placeErrors } from "./errors";
import { buildLayout, spanOf, type LayoutSection } from "./layout";
import { useServerRules } from "./useServerRules";
import { initialValues, submittable } from "./values";
import { isEditable, shownKeys, type FieldAccess } from "./visibility";

export type { FieldAccess };

export interface RecordFormProps {
  /** the published definition (GET /api/apps/{app}/forms/{form} → `published`) */
  form: FormDef;
  appKey: string;
  formKey: string;
  /** the record being edited; none when creating */
  recordId?: number;
  /** the record's values (edit) or prefilled values (create) */
  initial?: Record<string, unknown>;
  /** the record's version: given for an edit, absent for a new record */
  version?: number;
  /** per field: hidden, read_only or editable (GET …/permissions/me, see fieldAccessOf) */
  fieldAccess?: FieldAccess;
  /** sends the values (a new record: all; an edit: what changed) with the version edited */
  onSubmit?: (values: Record<string, unknown>, version: number | undefined) => Promise<unknown>;
  /** every change of a value, e.g. for a page that keeps a draft */
  onValuesChange?: (values: Record<string, unknown>) => void;
  onCancel?: () => void;
  submitLabel?: ReactNode;
  /** the record as the server has it now, for a stale-version conflict */
  reload?: () => Promise<{ values: Record<string, unknown>; version: number }>;
  /** everything shown, nothing editable */
  readOnly?: boolean;
  /** the designer's preview: no server evaluation of rules, submit only checks */
  preview?: boolean;
  /** more buttons beside submit (save draft…) */
  extraActions?: ReactNode;
  /** the antd form, when the page needs it (e.g. to read values for a draft) */
  formInstance?: FormInstance;
}

const roleOf = (type: string): FieldRole => fieldUI(type).role ?? "value";

function isVersionConflict(error: unknown): error is ApiError {
  return error instanceof ApiError && error.status === 409 && /version_conflict$/.test(error.problem.type);
}

/** What a Form.Item hands its control, passed on to the field type's Input. */
function FieldControl({
  field,
  value,
  onChange,
  id,
  disabled,
  context,
}: {
  field: FieldDef;
  value?: unknown;
  onChange?: (v: unknown) => void;
  id?: string;
  disabled?: boolean;
  context: FieldContext;
}) {
  const { Input } = fieldUI(field.type);
  return <Input field={field} value={value ?? null} onChange={(v) => onChange?.(v)} id={id} disabled={disabled} context={context} />;
}

export function RecordForm(props: RecordFormProps) {
  const { form: def, appKey, formKey, recordId, fieldAccess, onSubmit, reload, readOnly, preview } = props;
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? "zh-CN";
  const { message } = App.useApp();
  const [own] = Form.useForm();
  const antForm = props.formInstance ?? own;
  const fields = def.fields;
  const creating = props.version === undefined;

  // The page may hand a new object with the same record each render: compare by content.
  const initialKey = JSON.stringify(props.initial ?? null);
  const start = useMemo(() => initialValues(fields, props.initial, creating), [fields, initialKey, creating]);
  const [values, setValues] = useState<Record<string, unknown>>(start);
  const [version, setVersion] = useState<number | undefined>(props.version);
  const base = useRef<Record<string, unknown>>(props.initial ?? {});
  const [pathErrors, setPathErrors] = useState<ReadonlyMap<string, string[]>>(new Map());
  const [otherErrors, setOtherErrors] = useState<string[]>([]);
  const [submitting, setSubmitting] = useState(false);
  const [conflict, setConflict] = useState<{ entries: ConflictEntry[]; theirs: Record<string, unknown>; version: number } | null>(null);
  const [choices, setChoices] = useState<Record<string, Choice>>({});

  // Versions this form took on itself (its own save, a conflict's reload): when the page then
  // hands them back as props, the person's unsaved edits stay.
  const adopted = useRef<number | undefined>(undefined);
  const reloading = useRef(false);

  // A new record or version from the page (after a save or a reload) starts the form over.
  useEffect(() => {
    if (reloading.current || (props.version !== undefined && props.version === adopted.current)) return;
    base.current = props.initial ?? {};
    setVersion(props.version);
    setValues(start);
    antForm.resetFields();
    antForm.setFieldsValue(start);
    setPathErrors(new Map());
    setOtherErrors([]);
  }, [initialKey, props.version, antForm]);

  // Visibility rules and formulas, evaluated by the server for the values being edited.
  const { visible: ruled, computed, computedRows } = useServerRules(appKey, formKey, fields, values, !preview);

  const shown = useMemo(() => shownKeys(fields, roleOf, fieldAccess, ruled), [fields, fieldAccess, ruled]);
  const isShownKey = useCallback((key: string) => shown.has(key), [shown]);
  const writable = useCallback(
    (f: FieldDef) => !readOnly && isEditable(f, fieldAccess, roleOf(f.type) === "computed"),
    [readOnly, fieldAccess],
  );

  const context: FieldContext = useMemo(
    () => ({ appKey, formKey, recordId, values: { ...values, ...computed } }),
    [appKey, formKey, recordId, values, computed],
  );

  const rulesFor = useCallback(
    (f: FieldDef) => [
      {
        validator: async (_: unknown, value: unknown) => {
          const ui = fieldUI(f.type);
          const empty = ui.isEmpty ? ui.isEmpty(value) : isEmptyValue(value);
          if (f.required && empty) throw new Error(t("fields.errors.required"));
          const problem = ui.validate?.(f, value, t);
          if (problem) throw new Error(problem);
        },
      },
    ],
    [t],
  );

  const showServerErrors = useCallback(
    (error: unknown) => {
      if (error instanceof ApiError && error.problem.errors.length) {
        const placed = placeErrors(error.problem.errors, fields, isShownKey, lang, t);
        antForm.setFields([...placed.fields].map(([name, errors]) => ({ name, errors })));
        setPathErrors(placed.paths);
        const first = placed.fields.keys().next();
        if (!first.done) antForm.scrollToField(first.value, { block: "center" });
        const rest = placed.other;
        if (rest.length || !placed.fields.size) setOtherErrors([describeError(t, error, rest)]);
        else setOtherErrors([]);
        return;
      }
      setOtherErrors([describeError(t, error)]);
    },
    [antForm, fields, isShownKey, lang, t],
  );

  const send = async (current: Record<string, unknown>, againstBase: Record<string, unknown>, v: number | undefined) => {
    const payload = submittable(fields, current, {
      uiOf: fieldUI,
      writable,
      shown: isShownKey,
      base: v === undefined ? undefined : againstBase,
    });
    if (v !== undefined && !Object.keys(payload).length) {
      void message.info(t("common.noChanges"));
      return;
    }
    setSubmitting(true);
    setOtherErrors([]);
    setPathErrors(new Map());
    try {
      const result = onSubmit ? await onSubmit(payload, v) : undefined;
      const saved = result as { version?: unknown } | undefined;
      if (saved && typeof saved.version === "number") {
        base.current = { ...current };
        setVersion(saved.version);
      }
    } catch (error) {
      if (isVersionConflict(error) && reload) await startConflict(current, againstBase);
      else showServerErrors(error);
    } finally {
      setSubmitting(false);
    }
  }

  async function startConflict(mine: Record<string, unknown>, againstBase: Record<string, unknown>) {
    if (!reload) return;
    try {
      reloading.current = true;
      let fresh: { values: Record<string, unknown>; version: number };
      try {
        fresh = await reload();
      } finally {
        reloading.current = false;
      }
      adopted.current = fresh.version;
      const keys = fields.filter((f) => roleOf(f.type) === "value" && writable(f) && shown.has(f.key)).map((f) => f.key);
      const entries = diffConflict(keys, againstBase, mine, fresh.values);
      if (!entries.length) {
        // Someone changed fields this form does not edit: mine apply on top of theirs as they are.
        base.current = fresh.values;
        setVersion(fresh.version);
        await send(mine, fresh.values, fresh.version);
        return;
      }
      setChoices(defaultChoices(entries));
      setConflict({ entries, theirs: fresh.values, version: fresh.version });
    } catch (error) {
      showServerErrors(error);
    }
  }

  const submit = async () => {
    try {
      await antForm.validateFields();
    } catch {
      return; // antd shows the messages at the fields and scrolls to the first
    }
    if (preview) return; // the designer's preview checks, and sends nothing
    const current = { ...values, ...antForm.getFieldsValue(true) };
    await send(current, base.current, version);
  };

  const merge = async () => {
    if (!conflict) return;
    const mine = { ...values, ...antForm.getFieldsValue(true) };
    const merged = mergeConflict(mine, conflict.theirs, conflict.entries, choices);
    const theirs = conflict.theirs;
    const newVersion = conflict.version;
    setConflict(null);
    base.current = theirs;
    setVersion(newVersion);
    antForm.setFieldsValue(merged);
    setValues(merged);
    await send(merged, theirs, newVersion);
  }

  const takeTheirs = () => {
    if (!conflict) return;
    base.current = conflict.theirs;
    setVersion(conflict.version);
    const next = initialValues(fields, conflict.theirs, false);
    antForm.resetFields();
    antForm.setFieldsValue(next);
    setValues(next);
    setConflict(null);
    void message.info(t("record.conflict.reloaded"));
  }

  const layout = useMemo(() => buildLayout(fields, roleOf, def.settings?.columns ?? 2), [fields, def.settings?.columns]);

  const renderField = (f: FieldDef, columns: number) => {
    if (!shown.has(f.key)) return null;
    const ui = fieldUI(f.type);
    const role = ui.role ?? "value";
    const span = spanOf(f, columns, !!ui.wide);
    const label = pickText(f.label, lang);
    const help = pickText(f.description, lang);
    if (role === "static") {
      return (
        <Col key={f.key} xs={24} md={span}>
          <Form.Item label={ui.ownLabel ? undefined : label} colon={false}>
            <ui.Input field={f} value={null} onChange={() => undefined} context={context} />
          </Form.Item>
        </Col>
      );
    }
    if (role === "computed") {
      const value = f.key in computed ? computed[f.key] : values[f.key];
      return (
        <Col key={f.key} xs={24} md={span}>
          <Form.Item label={label} extra={help || undefined} htmlFor={`rf-${formKey}-${f.key}`}>
            <ui.Input field={f} value={value ?? null} onChange={() => undefined} id={`rf-${formKey}-${f.key}`} disabled context={context} />
          </Form.Item>
        </Col>
      );
    }
    const editable = writable(f);
    return (
      <Col key={f.key} xs={24} md={span}>
        <Form.Item
          name={f.key}
          label={label}
          required={f.required && editable}
          extra={help || undefined}
          rules={editable ? rulesFor(f) : undefined}
          validateDebounce={300}
        >
          <FieldControl field={f} disabled={!editable} context={context} />
        </Form.Item>
      </Col>
    );
  }

  const renderSection = (s: LayoutSection) => {
    if (s.field && !shown.has(s.field.key)) return null;
    const body = <Row gutter={[16, 0]}>{s.fields.map((f) => renderField(f, s.columns))}</Row>;
    if (!s.field) return <div key={s.key}>{body}</div>;
    const title = pickText(s.field.label, lang);
    if (s.field.options?.collapsible) {
      return (
        <Collapse
          key={s.key}
          style={{ marginBottom: 16 }}
          defaultActiveKey={s.field.options?.collapsed ? [] : [s.key]}
          items={[{ key: s.key, label: title, children: body, forceRender: true }]}
        />
      );
    }
    return (
      <section key={s.key} aria-label={title}>
        <Divider titlePlacement="start" style={{ marginTop: 8 }}>
          {title}
        </Divider>
        {body}
      </section>
    );
  }

  const visibleTabs = layout.filter((tab) => !tab.field || shown.has(tab.field.key));
  const content =
    visibleTabs.length > 1 || visibleTabs[0]?.field ? (
      <Tabs
        items={visibleTabs.map((tab) => ({
          key: tab.key,
          label: tab.field ? pickText(tab.field.label, lang) : t("record.form.mainTab"),
          forceRender: true,
          children: tab.sections.map(renderSection),
        }))}
      />
    ) : (
      visibleTabs[0]?.sections.map(renderSection)
    );

  return (
    <PathErrorsContext.Provider value={pathErrors}>
      <ComputedRowsContext.Provider value={computedRows}>
      <Form
        form={antForm}
        name={`record-${formKey}`}
        layout="vertical"
        initialValues={start}
        onValuesChange={(changed, all) => {
          setValues((prev) => ({ ...prev, ...all }));
          // A server message inside a field (a subform cell) goes once that field changes.
          const touched = Object.keys(changed ?? {});
          setPathErrors((prev) => {
            const stale = [...prev.keys()].filter((path) => touched.some((k) => path.startsWith(`${k}.`)));
            if (!stale.length) return prev;
            const next = new Map(prev);
            for (const path of stale) next.delete(path);
            return next;
          });
          props.onValuesChange?.(all);
        }}
        scrollToFirstError={{ block: "center" }}
        disabled={readOnly}
        className="qq-record-form"
      >
        {otherErrors.length > 0 && (
          <Alert type="error" showIcon title={otherErrors.join(" ")} style={{ marginBottom: 16 }} role="alert" closable onClose={() => setOtherErrors([])} />
        )}
        {content}
        {!readOnly && (
          <Space wrap style={{ marginTop: 8 }}>
            {/* Not a submit button: Enter in a long form (a date, a picker) must not send it half done. */}
            <Button type="primary" onClick={() => void submit()} loading={submitting}>
              {props.submitLabel ?? (creating ? t("record.form.submit") : t("common.save"))}
            </Button>
            {props.extraActions}
            {props.onCancel && (
              <Button onClick={props.onCancel} disabled={submitting}>
                {t("common.cancel")}
              </Button>
            )}
          </Space>
        )}
        {version !== undefined && (
          <Typography.Text type="secondary" style={{ display: "block", marginTop: 8, fontSize: 12 }}>
            {t("record.form.version", { version })}
          </Typography.Text>
        )}
      </Form>
      <ConflictDialog
        open={!!conflict}
        entries={conflict?.entries ?? []}
        fields={fields}
        choices={choices}
        onChoose={(key, choice) => setChoices((c) => ({ ...c, [key]: choice }))}
        onMerge={() => void merge()}
        onReload={takeTheirs}
        onCancel={() => setConflict(null)}
        busy={submitting}
        context={context}
      />
      </ComputedRowsContext.Provider>
    </PathErrorsContext.Provider>
  );
}

export default RecordForm;
