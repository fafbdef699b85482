// The kanban view: one column per option of a single-select field (and one for no value); a
// card dragged to another column changes the record's field, sent with the version it showed.
import {
  DndContext,
  KeyboardSensor,
  PointerSensor,
  useDraggable,
  useDroppable,
  useSensor,
  useSensors,
  type DragEndEvent,
} from "@dnd-kit/core";
import { App, Badge, Empty, Tag, Typography } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ApiError } from "../../../api/client";
import { useRecords, useUpdateRecord, type FilterNode, type RecordValues } from "../../../api/records";
import { useShowProblem } from "../../../components/useShowProblem";
import type { FieldDef } from "../../../registries/fields/types";
import { recordPath } from "../paths";
import { ValueCell, choicesOf, fieldLabel, recordTitle, useLang } from "../fieldKit";

const KANBAN_LIMIT = 500;
const CARD_FIELDS = 3;
const NO_VALUE = "\u0000none";

interface Props {
  appKey: string;
  formKey: string;
  group: FieldDef;
  cardFields: FieldDef[];
  titleKey: string | null;
  filter: FilterNode | null;
  search: string | null;
  sort: string[];
  canMove: boolean;
}

function Card({ record, title, to, fields, canMove, appKey, formKey }: {
  record: RecordValues;
  title: string;
  to: string;
  fields: FieldDef[];
  canMove: boolean;
  appKey: string;
  formKey: string;
}) {
  const { attributes, listeners, setNodeRef, transform, isDragging } = useDraggable({
    id: String(record.id),
    disabled: !canMove,
  });
  const style = transform ? { transform: `translate3d(${transform.x}px, ${transform.y}px, 0)`, zIndex: 10 } : undefined;
  const lang = useLang();
  return (
    <div
      ref={setNodeRef}
      style={style}
      className={`qq-kanban-card${isDragging ? " is-dragging" : ""}`}
      data-record-id={record.id}
      {...listeners}
      {...attributes}
    >
      <Link to={to} className="qq-kanban-title" onPointerDown={(e) => e.stopPropagation()}>
        {title}
      </Link>
      {fields.map((f) => (
        <div key={f.key} className="qq-kanban-field">
          <Typography.Text type="secondary" className="qq-kanban-label">
            {fieldLabel(f, lang)}
          </Typography.Text>
          <ValueCell field={f} value={record[f.key]} mode="compact" context={{ appKey, formKey, recordId: record.id }} />
        </div>
      ))}
    </div>
  );
}

function Column({ id, label, colour, count, children }: { id: string; label: string; colour?: string; count: number; children: React.ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id });
  return (
    <section ref={setNodeRef} className={`qq-kanban-column${isOver ? " is-over" : ""}`} aria-label={label} data-column={id === NO_VALUE ? "" : id}>
      <header className="qq-kanban-head">
        <Tag color={colour && colour !== "default" ? colour : undefined}>{label}</Tag>
        <Badge count={count} showZero color="#8a9099" />
      </header>
      <div className="qq-kanban-cards">{children}</div>
    </section>
  );
}

export default function KanbanView({ appKey, formKey, group, cardFields, titleKey, filter, search, sort, canMove }: Props) {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const showProblem = useShowProblem();
  const records = useRecords(appKey, formKey, { filter, search, sort, limit: KANBAN_LIMIT, page: 1, count: true });
  const update = useUpdateRecord(appKey, formKey);
  // Where a card was dropped, until the server's answer replaces the list.
  const [moved, setMoved] = useState<Record<string, string | null>>({});
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 6 } }), useSensor(KeyboardSensor));

  const columns = useMemo(() => {
    const choices = choicesOf(group, lang);
    const known = new Set(choices.map((c) => c.value));
    const lists = new Map<string, RecordValues[]>([...choices.map((c) => [c.value, []] as [string, RecordValues[]]), [NO_VALUE, []]]);
    for (const r of records.data?.items ?? []) {
      const raw = String(r.id) in moved ? moved[String(r.id)] : (r[group.key] as string | null | undefined);
      const key = raw && known.has(raw) ? raw : raw ? raw : NO_VALUE;
      if (!lists.has(key)) lists.set(key, []);
      lists.get(key)!.push(r);
    }
    const out = choices.map((c) => ({ id: c.value, label: c.label, colour: c.colour, items: lists.get(c.value)! }));
    for (const [key, items] of lists) {
      if (key !== NO_VALUE && !known.has(key)) out.push({ id: key, label: key, colour: undefined, items });
    }
    out.push({ id: NO_VALUE, label: t("runtime.kanban.noValue"), colour: undefined, items: lists.get(NO_VALUE)! });
    return out;
  }, [records.data, moved, group, lang, t]);

  const onDragEnd = ({ active, over }: DragEndEvent) => {
    if (!over) return;
    const record = records.data?.items.find((r) => String(r.id) === String(active.id));
    if (!record) return;
    const target = String(over.id) === NO_VALUE ? null : String(over.id);
    const current = String(record.id) in moved ? moved[String(record.id)] : ((record[group.key] as string | null) ?? null);
    if (current === target) return;
    setMoved((m) => ({ ...m, [String(record.id)]: target }));
    update.mutate(
      { id: record.id, version: record.version, values: { [group.key]: target } },
      {
        onSuccess: () => void message.success(t("runtime.kanban.moved")),
        onError: (error) => {
          if (error instanceof ApiError && error.status === 409) void message.warning(t("runtime.record.conflict"));
          else showProblem(error);
          void records.refetch();
        },
        onSettled: () =>
          setMoved((m) => {
            const next = { ...m };
            delete next[String(record.id)];
            return next;
          }),
      },
    );
  };

  // What screen readers hear while a card moves: the record's title and the column's name.
  const titleOf = (id: string | number) => {
    const r = records.data?.items.find((x) => String(x.id) === String(id));
    return r ? recordTitle(r, titleKey, r.id) : String(id);
  };
  const columnLabel = (id: string | number) => columns.find((c) => c.id === String(id))?.label ?? String(id);

  if (!records.isLoading && !records.data?.items.length) return <Empty description={t("runtime.list.empty")} />;

  return (
    <>
      {records.data && (records.data.total ?? 0) > KANBAN_LIMIT ? (
        <Typography.Paragraph type="secondary">{t("runtime.kanban.limited", { count: KANBAN_LIMIT })}</Typography.Paragraph>
      ) : null}
      <DndContext
        sensors={sensors}
        onDragEnd={onDragEnd}
        accessibility={{
          screenReaderInstructions: { draggable: t("runtime.kanban.instructions") },
          announcements: {
            onDragStart: ({ active }) => t("runtime.kanban.picked", { title: titleOf(active.id) }),
            onDragOver: ({ active, over }) =>
              over ? t("runtime.kanban.over", { title: titleOf(active.id), column: columnLabel(over.id) }) : undefined,
            onDragEnd: ({ active, over }) =>
              over
                ? t("runtime.kanban.dropped", { title: titleOf(active.id), column: columnLabel(over.id) })
                : t("runtime.kanban.cancelled", { title: titleOf(active.id) }),
            onDragCancel: ({ active }) => t("runtime.kanban.cancelled", { title: titleOf(active.id) }),
          },
        }}
      >
        <div className="qq-kanban" aria-busy={records.isFetching}>
          {columns.map((c) => (
            <Column key={c.id} id={c.id} label={c.label} colour={c.colour} count={c.items.length}>
              {c.items.map((r) => (
                <Card
                  key={r.id}
                  record={r}
                  title={recordTitle(r, titleKey, r.id)}
                  to={recordPath(appKey, formKey, r.id)}
                  fields={cardFields.filter((f) => f.key !== titleKey && f.key !== group.key).slice(0, CARD_FIELDS)}
                  canMove={canMove}
                  appKey={appKey}
                  formKey={formKey}
                />
              ))}
            </Column>
          ))}
        </div>
      </DndContext>
    </>
  );
}
