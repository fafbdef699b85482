// The table view: the view's columns (resizable, frozen, sortable), server-side pages, row
// selection, and inline editing of the cells the person may change.
import { EditOutlined } from "@ant-design/icons";
import { useQueryClient } from "@tanstack/react-query";
import { App, Button, Input, Popover, Space, Table } from "antd";
import type { TableColumnsType, TablePaginationConfig } from "antd";
import type { SorterResult } from "antd/es/table/interface";
import { useRef, useState, type ThHTMLAttributes } from "react";
import { useTranslation } from "react-i18next";
import { Link } from "react-router";
import { ApiError } from "../../../api/client";
import type { RecordValues } from "../../../api/records";
import { recordsKey, useUpdateRecord } from "../../../api/records";
import type { ViewConfig } from "../../../api/views";
import type { Id } from "../../../api/types";
import { useShowProblem } from "../../../components/useShowProblem";
import type { FieldDef } from "../../../registries/fields/types";
import { recordPath } from "../paths";
import { ValueCell, fieldLabel, uiOf, useLang } from "../fieldKit";
import { DEFAULT_WIDTH, sortOrderOf } from "./viewState";

const MIN_WIDTH = 60;
const MAX_WIDTH = 1200;

type ResizableProps = ThHTMLAttributes<HTMLTableCellElement> & {
  width?: number;
  onResize?: (width: number) => void;
  resizeLabel?: string;
};

/** A header cell with a handle that drags (or, focused, arrow-keys) the column's width. */
function ResizableTitle({ width, onResize, resizeLabel, ...rest }: ResizableProps) {
  const [live, setLive] = useState<number | null>(null);
  if (!onResize || !width) return <th {...rest} />;
  const shown = live ?? width;
  const clamp = (w: number) => Math.max(MIN_WIDTH, Math.min(MAX_WIDTH, Math.round(w)));
  const start = (e: React.PointerEvent<HTMLSpanElement>) => {
    e.preventDefault();
    e.stopPropagation();
    const x0 = e.clientX;
    let latest = width;
    const move = (ev: PointerEvent) => {
      latest = clamp(width + ev.clientX - x0);
      setLive(latest);
    };
    const up = () => {
      window.removeEventListener("pointermove", move);
      window.removeEventListener("pointerup", up);
      setLive(null);
      onResize(latest);
    };
    window.addEventListener("pointermove", move);
    window.addEventListener("pointerup", up);
  };
  return (
    <th {...rest} style={{ ...rest.style, width: shown }}>
      {rest.children}
      <span
        className="qq-col-resize"
        role="separator"
        aria-orientation="vertical"
        aria-label={resizeLabel}
        aria-valuenow={shown}
        tabIndex={0}
        onPointerDown={start}
        onClick={(e) => e.stopPropagation()}
        onKeyDown={(e) => {
          if (e.key === "ArrowLeft" || e.key === "ArrowRight") {
            e.preventDefault();
            e.stopPropagation();
            onResize(clamp(width + (e.key === "ArrowLeft" ? -20 : 20)));
          }
        }}
      />
    </th>
  );
}

interface InlineProps {
  appKey: string;
  formKey: string;
  field: FieldDef;
  record: RecordValues;
}

/** A cell the person may change: the value, and a button opening the type's own input. */
function InlineEdit({ appKey, formKey, field, record }: InlineProps) {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const showProblem = useShowProblem();
  const update = useUpdateRecord(appKey, formKey);
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const [draft, setDraft] = useState<unknown>(record[field.key]);
  const ui = uiOf(field.type);
  const label = fieldLabel(field, lang);

  const save = () =>
    update.mutate(
      { id: record.id, version: record.version, values: { [field.key]: draft } },
      {
        onSuccess: () => {
          setOpen(false);
          void message.success(t("runtime.list.saved"));
        },
        onError: (error) => {
          if (error instanceof ApiError && error.status === 409) {
            void message.warning(t("runtime.record.conflict"));
            setOpen(false);
            void qc.invalidateQueries({ queryKey: recordsKey(appKey, formKey) });
          } else showProblem(error);
        },
      },
    );

  const editor = ui ? (
    <ui.Input
      field={{ ...field, required: false }}
      value={draft}
      onChange={setDraft}
      id={`qq-inline-${record.id}-${field.key}`}
      context={{ appKey, formKey, recordId: record.id, values: { ...record, [field.key]: draft } }}
    />
  ) : (
    <Input
      id={`qq-inline-${record.id}-${field.key}`}
      value={draft === null || draft === undefined ? "" : String(draft)}
      onChange={(e) => setDraft(e.target.value)}
    />
  );

  return (
    <div className="qq-inline-cell">
      <div className="qq-inline-value">
        <ValueCell field={field} value={record[field.key]} mode="compact" context={{ appKey, formKey, recordId: record.id }} />
      </div>
      <Popover
        trigger="click"
        open={open}
        onOpenChange={(next) => {
          setOpen(next);
          if (next) setDraft(record[field.key]);
        }}
        destroyOnHidden
        title={<label htmlFor={`qq-inline-${record.id}-${field.key}`}>{label}</label>}
        content={
          <div className="qq-inline-editor">
            {editor}
            <Space className="qq-inline-actions">
              <Button size="small" onClick={() => setOpen(false)}>
                {t("common.cancel")}
              </Button>
              <Button size="small" type="primary" loading={update.isPending} onClick={save}>
                {t("common.save")}
              </Button>
            </Space>
          </div>
        }
      >
        <Button
          type="text"
          size="small"
          className="qq-inline-button"
          icon={<EditOutlined aria-hidden />}
          aria-label={t("runtime.list.editCell", { field: label, id: record.id })}
        />
      </Popover>
    </div>
  );
}

interface Props {
  appKey: string;
  formKey: string;
  fields: Map<string, FieldDef>;
  titleKey: string | null;
  config: ViewConfig;
  onConfig: (change: Partial<ViewConfig>) => void;
  records: RecordValues[];
  total: number;
  page: number;
  onPage: (page: number) => void;
  loading: boolean;
  editable: (key: string) => boolean;
  sortable: (field: FieldDef) => boolean;
  selected: Id[];
  onSelect: (ids: Id[]) => void;
  selectable: boolean;
}

export function TableView(props: Props) {
  const { appKey, formKey, fields, titleKey, config, onConfig, records, total, page, onPage, loading, editable, sortable } = props;
  const { t } = useTranslation();
  const lang = useLang();
  const widthsRef = useRef(config.widths);
  widthsRef.current = config.widths;

  // Frozen columns stay at the left edge, in the order they were frozen.
  const shown = config.columns.filter((k) => fields.has(k));
  const keys = [...config.frozen.filter((k) => shown.includes(k)), ...shown.filter((k) => !config.frozen.includes(k))];
  const linkKey = keys.includes(titleKey ?? "") ? titleKey : keys[0];
  const columns: TableColumnsType<RecordValues> = keys.map((key) => {
    const field = fields.get(key)!;
    const label = fieldLabel(field, lang);
    const width = config.widths[key] ?? DEFAULT_WIDTH;
    return {
      key,
      dataIndex: key,
      title: label,
      width,
      fixed: config.frozen.includes(key) ? "left" : undefined,
      ellipsis: true,
      sorter: sortable(field),
      sortOrder: sortOrderOf(config.sort, key),
      onHeaderCell: () =>
        ({
          width,
          resizeLabel: t("runtime.list.resize", { field: label }),
          onResize: (w: number) => onConfig({ widths: { ...widthsRef.current, [key]: w } }),
        }) as ResizableProps,
      render: (_: unknown, record: RecordValues) => {
        if (key === linkKey) {
          return (
            <Link to={recordPath(appKey, formKey, record.id)} className="qq-record-link">
              <ValueCell field={field} value={record[key]} mode="compact" />
              {record[key] === null || record[key] === undefined || record[key] === "" ? `#${record.id}` : null}
            </Link>
          );
        }
        if (editable(key)) return <InlineEdit appKey={appKey} formKey={formKey} field={field} record={record} />;
        return <ValueCell field={field} value={record[key]} mode="compact" context={{ appKey, formKey, recordId: record.id }} />;
      },
    };
  });

  const scrollX = columns.reduce((sum, c) => sum + (Number(c.width) || DEFAULT_WIDTH), props.selectable ? 48 : 0);

  return (
    <Table<RecordValues>
      rowKey="id"
      size="middle"
      columns={columns}
      dataSource={records}
      loading={loading}
      components={{ header: { cell: ResizableTitle } }}
      scroll={{ x: scrollX }}
      tableLayout="fixed"
      rowSelection={
        props.selectable
          ? { selectedRowKeys: props.selected, onChange: (ids) => props.onSelect(ids as Id[]), preserveSelectedRowKeys: true }
          : undefined
      }
      pagination={{
        current: page,
        pageSize: config.page_size,
        total,
        showSizeChanger: true,
        pageSizeOptions: [10, 20, 50, 100],
        showTotal: (n) => t("runtime.list.total", { count: n }),
        responsive: true,
      }}
      onChange={(pagination: TablePaginationConfig, _filters, sorter) => {
        const s = (Array.isArray(sorter) ? sorter[0] : sorter) as SorterResult<RecordValues> | undefined;
        const nextSort = s?.order && s.columnKey ? [`${s.order === "descend" ? "-" : ""}${String(s.columnKey)}`] : [];
        const sizeChanged = pagination.pageSize && pagination.pageSize !== config.page_size;
        if (sizeChanged || JSON.stringify(nextSort) !== JSON.stringify(config.sort)) {
          onConfig({ sort: nextSort, page_size: pagination.pageSize ?? config.page_size });
          onPage(1);
        } else if (pagination.current && pagination.current !== page) {
          onPage(pagination.current);
        }
      }}
    />
  );
}
