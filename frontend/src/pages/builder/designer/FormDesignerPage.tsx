// The form designer: palette, canvas and property panel around one draft, with undo/redo,
// save (guarded by the draft's revision) and publish (with the schema change it will make).
// The preview is the runtime's own RecordForm.
import { ArrowLeftOutlined, CloudUploadOutlined, RedoOutlined, SaveOutlined, UndoOutlined } from "@ant-design/icons";
import {
  DndContext,
  DragOverlay,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  pointerWithin,
  useSensor,
  useSensors,
} from "@dnd-kit/core";
import type { CollisionDetection, DragEndEvent, DragMoveEvent, DragStartEvent } from "@dnd-kit/core";
import { sortableKeyboardCoordinates } from "@dnd-kit/sortable";
import { App, Button, Result, Segmented, Skeleton, Space, Tag, Tooltip, Typography } from "antd";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link, useBlocker, useParams } from "react-router";
import { ApiError } from "../../../api/client";
import { useApp } from "../../../api/apps";
import { useFieldTypes, useFormDesign, usePublish, usePublishPreview, useSaveDraft } from "../../../api/designer";
import type { FormDefinition } from "../../../api/designer";
import { useShowProblem } from "../../../components/useShowProblem";
import { fieldTypes } from "../../../registries/fields/all";
import type { FieldDef } from "../../../registries/fields/types";
import { CANVAS_ID, Canvas } from "./Canvas";
import type { DropTarget } from "./Canvas";
import {
  cleanDefinition,
  createField,
  duplicateField,
  formulaScope,
  insertField,
  locateProblems,
  moveField,
  removeField,
  replaceField,
  textOf,
} from "./draft";
import type { LocatedProblem } from "./draft";
import { record, redo, startHistory, undo } from "./history";
import type { History } from "./history";
import { PALETTE_PREFIX, Palette } from "./Palette";
import { Preview } from "./Preview";
import { FieldProperties, FormProperties } from "./PropertyPanel";
import { PublishModal } from "./PublishModal";
import "../builder.css";
import { dndAccessibility } from "../dndText";
import "./designer.css";

type ActiveDrag = { kind: "palette"; type: string } | { kind: "field"; key: string };

function normalise(form: FormDefinition): FormDefinition {
  return { ...form, fields: form.fields.map((f) => ({ ...f, options: f.options ?? {} })), settings: { columns: 2, ...form.settings } };
}

/** Field cards and palette types take the drop; the bare canvas means "at the end". */
const collision: CollisionDetection = (args) => {
  if (!args.pointerCoordinates) return closestCenter(args); // keyboard
  const within = pointerWithin(args);
  const fields = within.filter((c) => c.id !== CANVAS_ID);
  if (fields.length) return fields;
  if (String(args.active.id).startsWith(PALETTE_PREFIX)) return within;
  const nearest = closestCenter({ ...args, droppableContainers: args.droppableContainers.filter((c) => c.id !== CANVAS_ID) });
  return nearest.length ? nearest : within;
};

function pointerOf(e: DragMoveEvent | DragEndEvent): { x: number; y: number } | null {
  const start = e.activatorEvent as PointerEvent | null;
  if (!start || typeof start.clientX !== "number") return null;
  return { x: start.clientX + e.delta.x, y: start.clientY + e.delta.y };
}

/** Whether a drop lands after the field under the pointer: below it, or in its right half. */
function dropsAfter(e: DragMoveEvent | DragEndEvent): boolean {
  const rect = e.over?.rect;
  const p = pointerOf(e);
  if (!rect || !p) return false;
  if (p.y > rect.top + rect.height * 0.75) return true;
  if (p.y < rect.top + rect.height * 0.25) return false;
  return p.x > rect.left + rect.width / 2;
}

export default function FormDesignerPage() {
  const { appKey = "", formKey = "" } = useParams();
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? "zh-CN";
  const { message, modal } = App.useApp();
  const showProblem = useShowProblem();
  const app = useApp(appKey);
  const design = useFormDesign(appKey, formKey);
  const types = useFieldTypes();
  const saveDraft = useSaveDraft(appKey, formKey);
  const previewPublish = usePublishPreview(appKey, formKey);
  const publish = usePublish(appKey, formKey);

  const [history, setHistory] = useState<History<FormDefinition> | null>(null);
  const [saved, setSaved] = useState<FormDefinition | null>(null);
  const [revision, setRevision] = useState<number | null>(null);
  const [publishedVersion, setPublishedVersion] = useState<number | null>(null);
  const [problems, setProblems] = useState<LocatedProblem[]>([]);
  const [selected, setSelected] = useState<string | null>(null);
  const [mode, setMode] = useState<"design" | "preview">("design");
  const [activeDrag, setActiveDrag] = useState<ActiveDrag | null>(null);
  const [dropTarget, setDropTarget] = useState<DropTarget | null>(null);
  const [publishOpen, setPublishOpen] = useState(false);
  const loadedRevision = useRef<number | null>(null);

  // Take the server's draft when it first arrives (or after a deliberate reload).
  useEffect(() => {
    const d = design.data;
    if (!d || loadedRevision.current === d.draft_revision) return;
    if (loadedRevision.current !== null) return; // later refetches never overwrite edits
    loadedRevision.current = d.draft_revision;
    const draft = normalise(d.draft);
    setHistory(startHistory(draft));
    setSaved(draft);
    setRevision(d.draft_revision);
    setPublishedVersion(d.published_version);
    setProblems(locateProblems(d.problems, draft));
  }, [design.data]);

  const form = history?.present ?? null;
  const dirty = !!form && form !== saved;
  const infoOf = useMemo(() => new Map((types.data ?? []).map((ft) => [ft.type, ft])), [types.data]);

  const look = useMemo(
    () => ({
      typeLabel: (type: string) => textOf(infoOf.get(type)?.label, lang) || type,
      iconOf: (type: string) => fieldTypes.get(type)?.icon ?? null,
      startsGroup: (type: string) => {
        const role = fieldTypes.get(type)?.role;
        return role === "section" || role === "tab";
      },
      isWide: (type: string) => fieldTypes.get(type)?.wide === true || infoOf.get(type)?.group === "layout",
    }),
    [infoOf, lang],
  );

  const commit = useCallback((next: FormDefinition, group?: string) => {
    setHistory((h) => (h ? record(h, next, group) : h));
  }, []);

  const addField = useCallback(
    (type: string, index?: number) => {
      const info = infoOf.get(type);
      if (!form || !info) return;
      const field = createField(info, form.fields.map((f) => f.key), () => t("builder.designer.option"));
      const at = index ?? (selected ? form.fields.findIndex((f) => f.key === selected) + 1 : form.fields.length);
      commit(insertField(form, field, at > 0 ? at : index ?? form.fields.length));
      setSelected(field.key);
    },
    [commit, form, infoOf, selected, t],
  );

  const doUndo = useCallback(() => setHistory((h) => (h ? undo(h) : h)), []);
  const doRedo = useCallback(() => setHistory((h) => (h ? redo(h) : h)), []);

  const save = useCallback(
    async (overwrite = false): Promise<boolean> => {
      if (!form) return false;
      const definition = cleanDefinition(form);
      try {
        const out = await saveDraft.mutateAsync({ definition, draft_revision: overwrite ? null : revision });
        loadedRevision.current = out.draft_revision;
        setRevision(out.draft_revision);
        setSaved(form);
        setProblems(locateProblems(out.problems, definition));
        void message.success(out.problems.length ? t("builder.designer.savedWithProblems", { count: out.problems.length }) : t("builder.designer.saved"));
        return true;
      } catch (error) {
        if (error instanceof ApiError && error.status === 409) {
          modal.confirm({
            title: t("builder.designer.conflictTitle"),
            content: t("builder.designer.conflictText"),
            okText: t("builder.designer.overwrite"),
            cancelText: t("builder.designer.keepEditing"),
            onOk: () => save(true),
          });
        } else if (error instanceof ApiError && error.status === 422 && error.problem.errors.length) {
          setProblems(locateProblems(error.problem.errors, definition));
          void message.error(t("builder.designer.invalid"));
        } else {
          showProblem(error);
        }
        return false;
      }
    },
    [form, message, modal, revision, saveDraft, showProblem, t],
  );

  const startPublish = async () => {
    if (dirty && !(await save())) return;
    setPublishOpen(true);
    previewPublish.mutate(undefined, {
      onError: (error) => {
        setPublishOpen(false);
        if (error instanceof ApiError && error.status === 422 && error.problem.errors.length && saved) {
          setProblems(locateProblems(error.problem.errors, cleanDefinition(history?.present ?? saved)));
          void message.error(t("builder.designer.cannotPublish"));
        } else showProblem(error);
      },
    });
  };

  const doPublish = (onUnconvertible: "abort" | "keep") =>
    publish.mutate(onUnconvertible, {
      onSuccess: (out) => {
        setPublishOpen(false);
        setPublishedVersion(out.version);
        setProblems([]);
        void message.success(t("builder.publish.done", { version: out.version }));
      },
      onError: (error) => {
        if (error instanceof ApiError && error.status === 409) {
          previewPublish.mutate();
          void message.warning(t("builder.publish.valuesChanged"));
        } else {
          setPublishOpen(false);
          if (error instanceof ApiError && error.status === 422 && form) setProblems(locateProblems(error.problem.errors, cleanDefinition(form)));
          showProblem(error);
        }
      },
    });

  // Ctrl+Z / Ctrl+Shift+Z (or Ctrl+Y) over the draft, Ctrl+S saves.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!(e.ctrlKey || e.metaKey)) return;
      const key = e.key.toLowerCase();
      if (key === "z" && !e.shiftKey) {
        e.preventDefault();
        doUndo();
      } else if ((key === "z" && e.shiftKey) || key === "y") {
        e.preventDefault();
        doRedo();
      } else if (key === "s") {
        e.preventDefault();
        void save();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [doUndo, doRedo, save]);

  // Leaving the designer with unsaved changes asks first, inside the app and when closing the tab.
  const blocker = useBlocker(({ currentLocation, nextLocation }) => dirty && currentLocation.pathname !== nextLocation.pathname);
  const asking = useRef(false);
  useEffect(() => {
    if (blocker.state !== "blocked" || asking.current) return;
    asking.current = true;
    modal.confirm({
      title: t("builder.designer.leaveTitle"),
      content: t("builder.designer.leaveText"),
      okText: t("builder.designer.leave"),
      okButtonProps: { danger: true },
      cancelText: t("builder.designer.keepEditing"),
      onOk: () => {
        asking.current = false;
        blocker.proceed?.();
      },
      onCancel: () => {
        asking.current = false;
        blocker.reset?.();
      },
    });
  }, [blocker, modal, t]);

  useEffect(() => {
    if (!dirty) return;
    const warn = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener("beforeunload", warn);
    return () => window.removeEventListener("beforeunload", warn);
  }, [dirty]);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 5 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const onDragStart = (e: DragStartEvent) => {
    const id = String(e.active.id);
    setActiveDrag(id.startsWith(PALETTE_PREFIX) ? { kind: "palette", type: id.slice(PALETTE_PREFIX.length) } : { kind: "field", key: id });
  };

  const onDragMove = (e: DragMoveEvent) => {
    if (!String(e.active.id).startsWith(PALETTE_PREFIX)) return;
    const over = e.over ? String(e.over.id) : null;
    const next = over === null ? null : over === CANVAS_ID ? { key: null, after: true } : { key: over, after: dropsAfter(e) };
    setDropTarget((d) => (d?.key === next?.key && d?.after === next?.after ? d : next));
  };

  const onDragEnd = (e: DragEndEvent) => {
    setActiveDrag(null);
    setDropTarget(null);
    if (!form || !e.over) return;
    const id = String(e.active.id);
    const over = String(e.over.id);
    if (id.startsWith(PALETTE_PREFIX)) {
      const type = id.slice(PALETTE_PREFIX.length);
      if (over === CANVAS_ID) return addField(type, form.fields.length);
      const index = form.fields.findIndex((f) => f.key === over);
      if (index >= 0) addField(type, index + (dropsAfter(e) ? 1 : 0));
      return;
    }
    if (over === CANVAS_ID || over === id) return;
    const from = form.fields.findIndex((f) => f.key === id);
    const to = form.fields.findIndex((f) => f.key === over);
    if (from >= 0 && to >= 0) commit(moveField(form, from, to));
  };

  const formulaContext = useMemo(() => {
    if (!form) return null;
    return {
      fields: form.fields
        .filter((f) => infoOf.get(f.type)?.storage !== "none")
        .map((f) => ({ key: f.key, label: textOf(f.label, lang) || f.key })),
      checkWith: { draft: { app: appKey, definition: formulaScope(cleanDefinition(form)) } },
    };
  }, [form, infoOf, lang, appKey]);

  if (app.data && !app.data.can_design) {
    return <Result status="403" title={t("builder.app.noDesign")} extra={<Link to={`/apps/${appKey}`}>{t("builder.app.open")}</Link>} />;
  }
  if (design.isError) {
    return <Result status={design.error instanceof ApiError && design.error.status === 403 ? "403" : "404"} title={t("builder.designer.notFound")} extra={<Link to={`/build/${appKey}`}>{t("builder.back")}</Link>} />;
  }
  if (!form || !types.data || !formulaContext) return <Skeleton active className="qq-page" />;

  const fieldIndex = selected === null ? -1 : form.fields.findIndex((f) => f.key === selected);
  const field = fieldIndex >= 0 ? form.fields[fieldIndex] : null;
  const labelOf = (key?: string) => {
    const f = key ? form.fields.find((x) => x.key === key) : undefined;
    return f ? `${textOf(f.label, lang) || f.key}` : key ?? "";
  };
  const formProblems = problems.filter((p) => p.field === null);

  return (
    <div className="qq-designer-page">
      <div className="qq-designer-bar">
        <Space size={8} className="qq-designer-title">
          <Link to={`/build/${appKey}`} className="qq-back" aria-label={t("builder.back")}>
            <ArrowLeftOutlined aria-hidden />
          </Link>
          <Typography.Title level={2} ellipsis>
            {textOf(form.label, lang) || form.key}
          </Typography.Title>
          {dirty ? <Tag color="orange">{t("builder.designer.unsaved")}</Tag> : null}
          {publishedVersion ? <Tag color="green">{t("builder.forms.publishedV", { version: publishedVersion })}</Tag> : <Tag>{t("builder.forms.unpublished")}</Tag>}
        </Space>
        <Space wrap size={8} className="qq-designer-actions">
          <Tooltip title={t("builder.designer.undoKey")}>
            <Button icon={<UndoOutlined aria-hidden />} aria-label={t("builder.designer.undo")} disabled={!history?.past.length} onClick={doUndo} />
          </Tooltip>
          <Tooltip title={t("builder.designer.redoKey")}>
            <Button icon={<RedoOutlined aria-hidden />} aria-label={t("builder.designer.redo")} disabled={!history?.future.length} onClick={doRedo} />
          </Tooltip>
          <Segmented
            aria-label={t("builder.designer.mode")}
            value={mode}
            onChange={(v) => setMode(v as "design" | "preview")}
            options={[
              { value: "design", label: t("builder.designer.design") },
              { value: "preview", label: t("builder.designer.preview") },
            ]}
          />
          <Button icon={<SaveOutlined aria-hidden />} loading={saveDraft.isPending} disabled={!dirty} onClick={() => void save()}>
            {t("builder.designer.save")}
          </Button>
          <Button type="primary" icon={<CloudUploadOutlined aria-hidden />} loading={previewPublish.isPending} onClick={() => void startPublish()}>
            {t("builder.designer.publish")}
          </Button>
        </Space>
      </div>
      {formProblems.length ? (
        <div className="qq-designer-problems" role="alert">
          {formProblems.map((p, i) => (
            <div key={i}>
              {p.path ? <code>{p.path}</code> : null} {p.message}
            </div>
          ))}
        </div>
      ) : null}
      <DndContext
        accessibility={dndAccessibility(t, (id) => {
          const key = String(id);
          if (key === CANVAS_ID) return t("builder.designer.canvas");
          if (key.startsWith(PALETTE_PREFIX)) return look.typeLabel(key.slice(PALETTE_PREFIX.length));
          return labelOf(key);
        })}
        sensors={sensors}
        collisionDetection={collision}
        onDragStart={onDragStart} onDragMove={onDragMove} onDragEnd={onDragEnd} onDragCancel={() => { setActiveDrag(null); setDropTarget(null); }}>
        <div className={`qq-designer qq-designer-${mode}`}>
          <aside className="qq-designer-palette">
            <Palette types={types.data} iconOf={look.iconOf} onAdd={(type) => addField(type)} />
          </aside>
          <main className="qq-designer-canvas">
            {mode === "design" ? (
              <Canvas
                form={form}
                selected={selected}
                problems={problems}
                dropTarget={dropTarget}
                look={look}
                onSelect={setSelected}
                onDuplicate={(key) => {
                  const out = duplicateField(form, key);
                  commit(out.form);
                  setSelected(out.key);
                }}
                onDelete={(key) => {
                  commit(removeField(form, key));
                  if (selected === key) setSelected(null);
                }}
              />
            ) : (
              <Preview appKey={appKey} form={cleanDefinition(form)} />
            )}
          </main>
          <aside className="qq-designer-props" aria-label={t("builder.designer.properties")}>
            {field ? (
              <FieldProperties
                key={fieldIndex}
                field={field}
                form={form}
                info={infoOf.get(field.type)}
                types={types.data}
                ui={fieldTypes.get(field.type)}
                problems={problems.filter((p) => p.field === field.key)}
                formula={formulaContext}
                appKey={appKey}
                onChange={(next: FieldDef, group: string) => {
                  commit(replaceField(form, field.key, next), `${field.key}.${group}`);
                  if (next.key !== field.key) setSelected(next.key);
                }}
                onDelete={() => {
                  commit(removeField(form, field.key));
                  setSelected(null);
                }}
              />
            ) : (
              <FormProperties form={form} problems={problems} onChange={(next, group) => commit(next, group)} />
            )}
          </aside>
        </div>
        <DragOverlay dropAnimation={null}>
          {activeDrag ? (
            <div className="qq-drag-chip">
              {activeDrag.kind === "palette" ? look.iconOf(activeDrag.type) : null}
              <span>
                {activeDrag.kind === "palette"
                  ? look.typeLabel(activeDrag.type)
                  : textOf(form.fields.find((f) => f.key === activeDrag.key)?.label, lang) || activeDrag.key}
              </span>
            </div>
          ) : null}
        </DragOverlay>
      </DndContext>
      <PublishModal
        open={publishOpen}
        preview={previewPublish.data}
        loading={previewPublish.isPending}
        publishing={publish.isPending}
        labelOf={labelOf}
        typeLabel={(type) => (type ? look.typeLabel(type) : "")}
        onPublish={doPublish}
        onClose={() => setPublishOpen(false)}
      />
    </div>
  );
}
