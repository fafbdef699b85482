// Arranging the app's menu: forms, dashboards and groups in one list, reordered by drag and
// drop (or the keyboard: space to lift, arrows to move, space to drop), saved to the app.
import { DashboardOutlined, DeleteOutlined, FolderOutlined, HolderOutlined, PlusOutlined, TableOutlined } from "@ant-design/icons";
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  closestCenter,
  useSensor,
  useSensors,
  type DragEndEvent,
} from "@dnd-kit/core";
import { SortableContext, arrayMove, sortableKeyboardCoordinates, useSortable, verticalListSortingStrategy } from "@dnd-kit/sortable";
import { CSS } from "@dnd-kit/utilities";
import { App, Button, Empty, Input, Space, Typography } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useUpdateApp, type AppInfo, type MenuItem } from "../../api/apps";
import { useAppDashboards } from "../../api/appRuntime";
import type { FormSummary } from "../../api/designer";
import { useShowProblem } from "../../components/useShowProblem";
import { textOf } from "./designer/draft";
import { dndAccessibility } from "./dndText";
import { fromRows, groupedRows, newGroupRow, toRows, type MenuRow } from "./menuRows";

function Row({
  row,
  label,
  indented,
  lang,
  onLabel,
  onRemove,
}: {
  row: MenuRow;
  label: string;
  indented: boolean;
  lang: string;
  onLabel: (label: Record<string, string>) => void;
  onRemove: () => void;
}) {
  const { t } = useTranslation();
  const { attributes, listeners, setNodeRef, setActivatorNodeRef, transform, transition, isDragging } = useSortable({ id: row.id });
  const style = { transform: CSS.Transform.toString(transform), transition };
  const icon =
    row.item.type === "group" ? <FolderOutlined aria-hidden /> : row.item.type === "dashboard" ? <DashboardOutlined aria-hidden /> : <TableOutlined aria-hidden />;
  return (
    <li
      ref={setNodeRef}
      style={style}
      className={`qq-menu-row${row.item.type === "group" ? " qq-menu-group" : ""}${indented ? " qq-menu-indented" : ""}${isDragging ? " qq-dragging" : ""}`}
    >
      <button
        type="button"
        ref={setActivatorNodeRef}
        className="qq-drag-handle"
        aria-label={t("builder.menu.dragHandle", { name: label })}
        {...attributes}
        {...listeners}
      >
        <HolderOutlined aria-hidden />
      </button>
      {icon}
      {row.item.type === "group" ? (
        <Input
          size="small"
          variant="borderless"
          className="qq-menu-group-input"
          value={textOf(row.item.label, lang)}
          placeholder={t("builder.menu.groupName")}
          aria-label={t("builder.menu.groupName")}
          onChange={(e) => onLabel({ ...(row.item.label ?? {}), [lang]: e.target.value })}
        />
      ) : (
        <span className="qq-menu-label">{label}</span>
      )}
      <Button
        type="text"
        size="small"
        icon={<DeleteOutlined aria-hidden />}
        aria-label={t("builder.menu.remove", { name: label })}
        onClick={onRemove}
      />
    </li>
  );
}

export function MenuArranger({ app, forms }: { app: AppInfo; forms: FormSummary[] }) {
  const { t, i18n } = useTranslation();
  const lang = i18n.resolvedLanguage === "en" ? "en" : "zh-CN";
  const { message } = App.useApp();
  const dashboards = useAppDashboards(app.key);
  const update = useUpdateApp(app.key);
  const showProblem = useShowProblem();
  const [rows, setRows] = useState<MenuRow[]>(() => toRows(app.menu ?? []));
  const [dirty, setDirty] = useState(false);

  useEffect(() => {
    if (!dirty) setRows(toRows(app.menu ?? []));
  }, [app.menu, dirty]);

  const sensors = useSensors(
    useSensor(PointerSensor, { activationConstraint: { distance: 4 } }),
    useSensor(KeyboardSensor, { coordinateGetter: sortableKeyboardCoordinates }),
  );

  const formLabel = useMemo(() => new Map(forms.map((f) => [f.key, textOf(f.label, lang) || f.key])), [forms, lang]);
  const boardLabel = useMemo(() => new Map((dashboards.data ?? []).map((d) => [String(d.id), d.name])), [dashboards.data]);
  const labelOf = (item: MenuItem) =>
    item.type === "group"
      ? textOf(item.label, lang) || t("builder.menu.untitledGroup")
      : item.type === "form"
        ? formLabel.get(item.key ?? "") ?? item.key ?? ""
        : item.type === "dashboard"
          ? boardLabel.get(item.key ?? "") ?? item.key ?? ""
          : textOf(item.label, lang) || item.url || "";

  const inMenu = new Set(rows.map((r) => r.id));
  const missing: MenuRow[] = [
    ...forms.map((f) => ({ id: `form:${f.key}`, item: { type: "form" as const, key: f.key } })),
    ...(dashboards.data ?? []).map((d) => ({ id: `dashboard:${d.id}`, item: { type: "dashboard" as const, key: String(d.id) } })),
  ].filter((r) => !inMenu.has(r.id));
  const indented = groupedRows(rows);

  const change = (next: MenuRow[]) => {
    setRows(next);
    setDirty(true);
  };

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over || active.id === over.id) return;
    const from = rows.findIndex((r) => r.id === active.id);
    const to = rows.findIndex((r) => r.id === over.id);
    if (from >= 0 && to >= 0) change(arrayMove(rows, from, to));
  };

  const save = async () => {
    try {
      await update.mutateAsync({ menu: fromRows(rows) });
      setDirty(false);
      void message.success(t("builder.menu.saved"));
    } catch (error) {
      showProblem(error);
    }
  };

  return (
    <div>
      <Typography.Paragraph type="secondary">{t("builder.menu.hint")}</Typography.Paragraph>
      {rows.length ? (
        <DndContext
          sensors={sensors}
          collisionDetection={closestCenter}
          onDragEnd={onDragEnd}
          accessibility={dndAccessibility(t, (id) => {
            const row = rows.find((r) => r.id === id);
            return row ? labelOf(row.item) : String(id);
          })}
        >
          <SortableContext items={rows.map((r) => r.id)} strategy={verticalListSortingStrategy}>
            <ul className="qq-menu-list" aria-label={t("builder.menu.title")}>
              {rows.map((row) => (
                <Row
                  key={row.id}
                  row={row}
                  lang={lang}
                  label={labelOf(row.item)}
                  indented={indented.has(row.id)}
                  onLabel={(label) => change(rows.map((r) => (r.id === row.id ? { ...r, item: { ...r.item, label } } : r)))}
                  onRemove={() => change(rows.filter((r) => r.id !== row.id))}
                />
              ))}
            </ul>
          </SortableContext>
        </DndContext>
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("builder.menu.empty")} />
      )}
      {missing.length ? (
        <div className="qq-menu-missing">
          <Typography.Text type="secondary">{t("builder.menu.notInMenu")}</Typography.Text>
          <Space wrap size={[6, 6]}>
            {missing.map((r) => (
              <Button key={r.id} size="small" icon={<PlusOutlined aria-hidden />} onClick={() => change([...rows, r])}>
                {labelOf(r.item)}
              </Button>
            ))}
          </Space>
        </div>
      ) : null}
      <Space wrap className="qq-block-top">
        <Button icon={<FolderOutlined aria-hidden />} onClick={() => change([...rows, newGroupRow({ [lang]: t("builder.menu.newGroup") })])}>
          {t("builder.menu.addGroup")}
        </Button>
        <Button type="primary" disabled={!dirty} loading={update.isPending} onClick={save}>
          {t("builder.menu.save")}
        </Button>
      </Space>
    </div>
  );
}
