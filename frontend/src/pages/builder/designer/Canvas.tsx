// The canvas: the form's fields laid out in its columns, grouped under sections and tabs.
// Fields are reordered by drag (or from the keyboard by their handle); palette types are
// dropped before or after the field under the pointer, or at the end.
import {
  CopyOutlined,
  DeleteOutlined,
  EyeInvisibleOutlined,
  EyeOutlined,
  FunctionOutlined,
  HolderOutlined,
  LockOutlined,
  SafetyOutlined,
  WarningFilled,
} from "@ant-design/icons";
import { useDroppable } from "@dnd-kit/core";
import { SortableContext, rectSortingStrategy, useSortable } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { Button, Tooltip } from "antd";
import type { CSSProperties, KeyboardEventHandler, PointerEventHandler, ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { FormDefinition } from "../../../api/designer";
import type { FieldDef } from "../../../registries/fields/types";
import { canvasGroups, textOf } from "./draft";
import type { LocatedProblem } from "./draft";

export const CANVAS_ID = "canvas";

export interface DropTarget {
  key: string | null;
  after: boolean;
}

interface FieldLook {
  typeLabel: (type: string) => string;
  iconOf: (type: string) => ReactNode;
  startsGroup: (type: string) => boolean;
  isWide: (type: string) => boolean;
}

function FieldCard({
  field,
  span,
  selected,
  problems,
  drop,
  look,
  onSelect,
  onDuplicate,
  onDelete,
}: {
  field: FieldDef;
  span: number;
  selected: boolean;
  problems: string[];
  drop: "before" | "after" | null;
  look: FieldLook;
  onSelect: () => void;
  onDuplicate: () => void;
  onDelete: () => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? "zh-CN";
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: field.key });
  const { onPointerDown, onKeyDown } = (listeners ?? {}) as {
    onPointerDown?: PointerEventHandler<HTMLElement>;
    onKeyDown?: KeyboardEventHandler<HTMLElement>;
  };
  const label = textOf(field.label, lang) || field.key;
  const header = look.startsGroup(field.type);
  const style = {
    transform: CSS.Translate.toString(transform),
    transition,
    "--qq-span": span,
  } as CSSProperties;
  const badges: [ReactNode, string][] = [];
  if (field.hidden) badges.push([<EyeInvisibleOutlined key="h" aria-hidden />, t("builder.props.hidden")]);
  if (field.read_only) badges.push([<LockOutlined key="r" aria-hidden />, t("builder.props.read_only")]);
  if (field.visible_when) badges.push([<EyeOutlined key="v" aria-hidden />, t("builder.designer.hasVisibility")]);
  if (field.rules?.length) badges.push([<SafetyOutlined key="s" aria-hidden />, t("builder.designer.hasRules", { count: field.rules.length })]);
  if (field.default?.formula) badges.push([<FunctionOutlined key="f" aria-hidden />, t("builder.designer.hasDefaultFormula")]);

  return (
    <div
      ref={setNodeRef}
      style={style}
      data-field={field.key}
      className={[
        "qq-field-card",
        header ? "qq-field-header" : "",
        selected ? "qq-selected" : "",
        problems.length ? "qq-field-error" : "",
        isDragging ? "qq-dragging" : "",
        drop ? `qq-drop-${drop}` : "",
      ].join(" ")}
      onPointerDown={onPointerDown}
    >
      <button
        type="button"
        ref={setActivatorNodeRef}
        className="qq-drag-handle"
        aria-label={t("builder.designer.dragField", { name: label })}
        {...attributes}
        onKeyDown={onKeyDown}
      >
        <HolderOutlined aria-hidden />
      </button>
      <button type="button" className="qq-field-main" onClick={onSelect} aria-pressed={selected} aria-label={t("builder.designer.selectField", { name: label })}>
        <span className="qq-field-label">
          {field.required ? <span className="qq-required" aria-hidden>*</span> : null}
          {label}
          {badges.map(([icon, text]) => (
            <Tooltip key={text} title={text}>
              <span className="qq-field-badge" role="img" aria-label={text}>
                {icon}
              </span>
            </Tooltip>
          ))}
        </span>
        {header ? null : (
          <span className="qq-field-ghost">
            <span className="qq-field-ghost-icon" aria-hidden>
              {look.iconOf(field.type)}
            </span>
            <span>{look.typeLabel(field.type)}</span>
            <code>{field.key}</code>
          </span>
        )}
        {problems.length ? (
          <span className="qq-field-problem">
            <WarningFilled aria-hidden /> {problems.join(" ")}
          </span>
        ) : null}
      </button>
      <span className="qq-field-actions">
        <Tooltip title={t("builder.designer.duplicate")}>
          <Button size="small" type="text" icon={<CopyOutlined aria-hidden />} aria-label={t("builder.designer.duplicateNamed", { name: label })} onClick={onDuplicate} />
        </Tooltip>
        <Tooltip title={t("builder.designer.delete")}>
          <Button size="small" type="text" danger icon={<DeleteOutlined aria-hidden />} aria-label={t("builder.designer.deleteNamed", { name: label })} onClick={onDelete} />
        </Tooltip>
      </span>
    </div>
  );
}

export function Canvas({
  form,
  selected,
  problems,
  dropTarget,
  look,
  onSelect,
  onDuplicate,
  onDelete,
}: {
  form: FormDefinition;
  selected: string | null;
  problems: LocatedProblem[];
  dropTarget: DropTarget | null;
  look: FieldLook;
  onSelect: (key: string | null) => void;
  onDuplicate: (key: string) => void;
  onDelete: (key: string) => void;
}) {
  const { t } = useTranslation();
  const { setNodeRef, isOver } = useDroppable({ id: CANVAS_ID });
  const groups = canvasGroups(form, look.startsGroup);
  const problemsOf = (key: string) => problems.filter((p) => p.field === key).map((p) => p.message);
  const dropOf = (key: string) => (dropTarget?.key === key ? (dropTarget.after ? "after" : "before") : null);

  const card = (index: number, columns: number) => {
    const field = form.fields[index];
    const wide = look.startsGroup(field.type) || look.isWide(field.type);
    const span = wide ? columns : Math.min(Math.max(field.layout?.span ?? 1, 1), columns);
    return (
      <FieldCard
        key={field.key}
        field={field}
        span={span}
        selected={selected === field.key}
        problems={problemsOf(field.key)}
        drop={dropOf(field.key)}
        look={look}
        onSelect={() => onSelect(field.key)}
        onDuplicate={() => onDuplicate(field.key)}
        onDelete={() => onDelete(field.key)}
      />
    );
  };

  return (
    <div
      ref={setNodeRef}
      className={`qq-canvas${isOver ? " qq-canvas-over" : ""}${dropTarget && dropTarget.key === null ? " qq-canvas-append" : ""}`}
      aria-label={t("builder.designer.canvas")}
      role="region"
      onClick={(e) => {
        if (e.target === e.currentTarget) onSelect(null);
      }}
    >
      <SortableContext items={form.fields.map((f) => f.key)} strategy={rectSortingStrategy}>
        {form.fields.length === 0 ? <div className="qq-canvas-empty">{t("builder.designer.emptyCanvas")}</div> : null}
        {groups.map((g, gi) => (
          <div key={g.header ?? `top-${gi}`} className="qq-canvas-group">
            {g.header !== null ? <div className="qq-canvas-grid qq-canvas-grid-1">{card(g.header, 1)}</div> : null}
            {g.items.length || g.header !== null ? (
              <div className="qq-canvas-grid" style={{ "--qq-cols": g.columns } as CSSProperties}>
                {g.items.map((i) => card(i, g.columns))}
                {g.items.length === 0 ? <div className="qq-canvas-group-empty">{t("builder.designer.emptyGroup")}</div> : null}
              </div>
            ) : null}
          </div>
        ))}
      </SortableContext>
      {form.fields.length ? <div className="qq-canvas-end" aria-hidden>{t("builder.designer.dropHere")}</div> : null}
    </div>
  );
}
