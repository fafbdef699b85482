// The palette: every field type the server knows, grouped and searchable, named in the UI
// language. Drag one onto the canvas, or press it (mouse or keyboard) to add it at the end.
import { useDraggable } from "@dnd-kit/core";
import { Empty, Input } from "antd";
import { useMemo, useState } from "react";
import type { ReactNode } from "react";
import { useTranslation } from "react-i18next";
import type { FieldTypeInfo } from "../../../registries/fields/types";
import { textOf } from "./draft";

export const PALETTE_PREFIX = "palette:";
const GROUP_ORDER = ["text", "number", "time", "choice", "contact", "place", "file", "people", "relation", "computed", "system", "layout", "action"];

function PaletteItem({ info, icon, label, onAdd }: { info: FieldTypeInfo; icon: ReactNode; label: string; onAdd: () => void }) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, isDragging } = useDraggable({ id: `${PALETTE_PREFIX}${info.type}`, data: { type: info.type } });
  return (
    <li>
      <button
        type="button"
        ref={setNodeRef}
        className={`qq-palette-item${isDragging ? " qq-dragging" : ""}`}
        data-type={info.type}
        {...attributes}
        {...listeners}
        // dnd-kit's keyboard sensor would start a drag on Enter/Space: pressing adds the field instead
        onKeyDown={(e) => {
          if (e.key === "Enter" || e.key === " ") {
            e.preventDefault();
            onAdd();
          }
        }}
        onClick={onAdd}
        aria-roledescription={t("builder.designer.paletteItemRole")}
        aria-describedby={undefined}
        title={t("builder.designer.paletteItemHint", { name: label })}
      >
        <span className="qq-palette-icon" aria-hidden>
          {icon}
        </span>
        <span className="qq-palette-label">{label}</span>
      </button>
    </li>
  );
}

export function Palette({
  types,
  iconOf,
  onAdd,
}: {
  types: FieldTypeInfo[];
  iconOf: (type: string) => ReactNode;
  onAdd: (type: string) => void;
}) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage ?? "zh-CN";
  const [q, setQ] = useState("");
  const groups = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const match = (ft: FieldTypeInfo) =>
      !needle ||
      [ft.type, ft.label["zh-CN"], ft.label.en, ft.description?.["zh-CN"], ft.description?.en].some((s) => s?.toLowerCase().includes(needle));
    const byGroup = new Map<string, FieldTypeInfo[]>();
    for (const ft of types.filter(match)) byGroup.set(ft.group, [...(byGroup.get(ft.group) ?? []), ft]);
    const order = (g: string) => (GROUP_ORDER.includes(g) ? GROUP_ORDER.indexOf(g) : GROUP_ORDER.length);
    return [...byGroup].sort((a, b) => order(a[0]) - order(b[0]));
  }, [types, q]);

  return (
    <nav className="qq-palette" aria-label={t("builder.designer.palette")}>
      <Input.Search
        allowClear
        placeholder={t("builder.designer.searchTypes")}
        aria-label={t("builder.designer.searchTypes")}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      <div className="qq-palette-scroll">
        {groups.length ? (
          groups.map(([group, items]) => (
            <section key={group} aria-labelledby={`palette-group-${group}`}>
              <h3 id={`palette-group-${group}`} className="qq-palette-group">
                {t(`builder.groups.${group}`, { defaultValue: group })}
              </h3>
              <ul className="qq-palette-list">
                {items.map((ft) => (
                  <PaletteItem key={ft.type} info={ft} icon={iconOf(ft.type)} label={textOf(ft.label, lang) || ft.type} onAdd={() => onAdd(ft.type)} />
                ))}
              </ul>
            </section>
          ))
        ) : (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("builder.designer.noTypes")} />
        )}
      </div>
    </nav>
  );
}
