// The subform: rows of detail (the lines of a quote) edited as a grid, each column with its
// own field type's widget, formula columns as the server computes them, and a totals row.
import { DeleteOutlined, PlusOutlined, TableOutlined } from "@ant-design/icons";
import { Button, Empty, Table, Tooltip, Typography } from "antd";
import { FormItemInputContext, NoFormStyle } from "antd/es/form/context";
import i18n from "i18next";
import { useContext } from "react";
import { useTranslation } from "react-i18next";
import { ComputedRowsContext, PathErrorsContext } from "./context";
import { fieldUI, registerFieldType } from "./index";
import { EMPTY_OPS } from "./operators";
import { EmptyCell, makeFilter, NO_CONTEXT, useLang } from "./shared";
import type { CellProps, FieldDef, FieldTypeUI, InputProps, Translate } from "./types";
import { checkRows } from "./validation";
import { isEmptyValue, opt, pickText, sumColumn } from "./values";

type Row = Record<string, unknown>;

function rowsOf(value: unknown): Row[] {
  return Array.isArray(value) ? value.filter((r): r is Row => !!r && typeof r === "object") : [];
}

/** A new row: each column's static default. */
function newRow(columns: FieldDef[]): Row {
  const row: Row = {};
  for (const c of columns) {
    const d = c.default?.value;
    if (d !== undefined && d !== null) row[c.key] = d;
  }
  return row;
}

function SubformInput({ field, value, onChange, disabled, id, context }: InputProps) {
  const { t } = useTranslation();
  const lang = useLang();
  const errors = useContext(PathErrorsContext);
  const computedRows = useContext(ComputedRowsContext)[field.key];
  const rows = rowsOf(value);
  const columns = (field.fields ?? []).filter((c) => !c.hidden && fieldUI(c.type).role !== "section" && fieldUI(c.type).role !== "tab");
  const max = opt(field, "max_rows", 500);
  const set = (next: Row[]) => onChange(next);
  const setCell = (index: number, key: string, v: unknown) => set(rows.map((r, i) => (i === index ? { ...r, [key]: v } : r)));
  const summable = columns.filter((c) => fieldUI(c.type).summable);

  const tableColumns = [
    {
      key: "_n",
      title: "#",
      width: 44,
      fixed: "left" as const,
      render: (_: unknown, __: Row, index: number) => index + 1,
    },
    ...columns.map((c) => {
      const ui = fieldUI(c.type);
      const label = pickText(c.label, lang);
      return {
        key: c.key,
        title: (
          <span>
            {c.required && <span style={{ color: "#ff4d4f" }}>* </span>}
            {label}
          </span>
        ),
        width: c.layout?.span && c.layout.span > 1 ? 120 * c.layout.span + 60 : 180,
        render: (_: unknown, row: Row, index: number) => {
          const path = `${field.key}.${index}.${c.key}`;
          // The server's word on this cell, else the column's own check as soon as there is a value.
          const own = isEmptyValue(row[c.key]) || ui.role === "computed" ? null : (ui.validate?.(c, row[c.key], t) ?? null);
          const messages = errors.get(path) ?? (own ? [own] : undefined);
          const ctx = { ...context, values: row };
          const readOnly = disabled || c.read_only || ui.role === "computed";
          const cell =
            ui.role === "computed" ? (
              <ui.Cell field={c} value={computedRows?.[index]?.[c.key] ?? row[c.key]} mode="compact" context={ctx} />
            ) : (
              <ui.Input
                field={c}
                value={row[c.key] ?? null}
                onChange={(v) => setCell(index, c.key, v)}
                disabled={readOnly}
                id={`${id ?? field.key}-${index}-${c.key}`}
                context={ctx}
              />
            );
          return (
            <div aria-label={`${label} ${index + 1}`} className={messages ? "qq-cell-error" : undefined}>
              {messages ? <FormItemInputContext.Provider value={{ status: "error", isFormItemInput: true }}>{cell}</FormItemInputContext.Provider> : cell}
              {messages && (
                <Typography.Text type="danger" style={{ fontSize: 12 }} role="alert">
                  {messages.join(" ")}
                </Typography.Text>
              )}
            </div>
          );
        },
      };
    }),
    ...(disabled
      ? []
      : [
          {
            key: "_remove",
            title: "",
            width: 48,
            fixed: "right" as const,
            render: (_: unknown, __: Row, index: number) => (
              <Tooltip title={t("fields.subform.remove")}>
                <Button
                  type="text"
                  danger
                  icon={<DeleteOutlined />}
                  aria-label={t("fields.subform.removeRow", { n: index + 1 })}
                  onClick={() => set(rows.filter((_, i) => i !== index))}
                />
              </Tooltip>
            ),
          },
        ]),
  ];

  return (
    <div id={id} className="qq-subform">
      {/* The form item's error status belongs to the cells that have one, not to every input. */}
      <NoFormStyle status override>
      <Table<Row>
        size="small"
        bordered
        rowKey={(_, index) => String(index)}
        dataSource={rows}
        columns={tableColumns}
        pagination={false}
        scroll={{ x: "max-content" }}
        locale={{ emptyText: <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("fields.subform.empty")} /> }}
        summary={
          summable.length && rows.length
            ? () => (
                <Table.Summary.Row>
                  <Table.Summary.Cell index={0}>{t("fields.subform.total")}</Table.Summary.Cell>
                  {columns.map((c, i) => {
                    const ui = fieldUI(c.type);
                    const source = ui.role === "computed" ? rows.map((r, index) => ({ ...r, ...computedRows?.[index] })) : rows;
                    const total = ui.summable ? sumColumn(source, c.key, opt(c, "precision", 2)) : null;
                    return (
                      <Table.Summary.Cell key={c.key} index={i + 1}>
                        {total !== null && <ui.Cell field={c} value={total} mode="compact" context={{ ...context }} />}
                      </Table.Summary.Cell>
                    );
                  })}
                  {!disabled && <Table.Summary.Cell index={columns.length + 1} />}
                </Table.Summary.Row>
              )
            : undefined
        }
      />
      </NoFormStyle>
      {!disabled && (
        <Button
          type="dashed"
          block
          icon={<PlusOutlined />}
          style={{ marginTop: 8 }}
          disabled={rows.length >= max}
          onClick={() => set([...rows, newRow(columns)])}
        >
          {t("fields.subform.add")}
        </Button>
      )}
    </div>
  );
}

function SubformCell({ field, value, mode, context }: CellProps) {
  const { t } = useTranslation();
  const lang = useLang();
  const rows = rowsOf(value);
  if (!rows.length) return <EmptyCell mode={mode} />;
  if (mode === "compact") return <span>{t("fields.subform.rows", { count: rows.length })}</span>;
  const columns = (field.fields ?? []).filter((c) => !c.hidden);
  return (
    <Table<Row>
      size="small"
      bordered
      rowKey={(row, index) => String(row.id ?? index)}
      dataSource={rows}
      pagination={false}
      scroll={{ x: "max-content" }}
      columns={columns.map((c) => {
        const ui = fieldUI(c.type);
        return {
          key: c.key,
          title: pickText(c.label, lang),
          render: (_: unknown, row: Row) => <ui.Cell field={c} value={row[c.key]} mode="compact" context={{ ...NO_CONTEXT, ...context, values: row }} />,
        };
      })}
    />
  );
}

/** Rows as the API takes them: their id, and each writable column's own input form. */
function subformInput(field: FieldDef, value: unknown): unknown {
  if (!Array.isArray(value)) return value;
  return rowsOf(value).map((row) => {
    const out: Row = {};
    if (row.id !== undefined && row.id !== null) out.id = row.id;
    for (const c of field.fields ?? []) {
      const ui = fieldUI(c.type);
      if ((ui.role ?? "value") !== "value" || c.read_only || !(c.key in row)) continue;
      out[c.key] = ui.toInput ? ui.toInput(c, row[c.key]) : row[c.key];
    }
    return out;
  });
}

/** Rows and, in each row, every column's own checks: the first problem, naming row and column. */
function validateSubform(field: FieldDef, value: unknown, t: Translate): string | null {
  const bounds = checkRows(field, value);
  if (bounds) return t(`fields.errors.${bounds.key}`, bounds.params);
  const rows = rowsOf(value);
  for (let i = 0; i < rows.length; i += 1) {
    for (const c of field.fields ?? []) {
      const ui: FieldTypeUI = fieldUI(c.type);
      if (ui.role && ui.role !== "value") continue;
      const v = rows[i][c.key];
      const empty = ui.isEmpty ? ui.isEmpty(v) : isEmptyValue(v);
      const message = c.required && empty ? t("fields.errors.required") : ui.validate?.(c, v, t) ?? null;
      if (message) return t("fields.subform.cellError", { n: i + 1, column: pickText(c.label, i18n.resolvedLanguage ?? "zh-CN") || c.key, message });
    }
  }
  return null;
}

registerFieldType({
  type: "subform",
  toInput: subformInput,
  icon: <TableOutlined />,
  Input: SubformInput,
  Cell: SubformCell,
  operators: [...EMPTY_OPS],
  Filter: makeFilter({ Input: SubformInput }),
  validate: validateSubform,
  wide: true,
  text: (_f, v, t) => t("fields.subform.rows", { count: rowsOf(v).length }),
});
