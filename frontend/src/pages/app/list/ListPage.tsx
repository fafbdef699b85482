// A form's records as its users work them: saved views (table, kanban, calendar), quick search,
// the filter builder, columns, selection with bulk edit / delete / export, import and export.
import {
  AppstoreOutlined,
  CalendarOutlined,
  DeleteOutlined,
  DownloadOutlined,
  EditOutlined,
  FilterOutlined,
  PlusOutlined,
  TableOutlined,
  UploadOutlined,
  ColumnWidthOutlined,
} from "@ant-design/icons";
import { App, Badge, Button, Dropdown, Empty, Input, Popconfirm, Popover, Result, Segmented, Select, Space, Spin, Typography } from "antd";
import { lazy, Suspense, useEffect, useMemo, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { useNavigate, useParams, useSearchParams } from "react-router";
import {
  exportUrl,
  useBulkDelete,
  useMyPermissions,
  useRecords,
  useRuntimeForm,
  type FilterNode,
} from "../../../api/records";
import type { Id } from "../../../api/types";
import { useViews, type SavedView, type ViewConfig, type ViewKind } from "../../../api/views";
import { useShowProblem } from "../../../components/useShowProblem";
import { formPath } from "../paths";
import { fieldLabel, textOf, useFormFields, useLang } from "../fieldKit";
import "../runtime.css";
import { BulkEditModal } from "./BulkEditModal";
import { ColumnChooser } from "./ColumnChooser";
import { download } from "./exporting";
import { FilterBuilder } from "./FilterBuilder";
import { ImportWizard } from "./ImportWizard";
import { TableView } from "./TableView";
import { ViewBar } from "./ViewBar";
import { activeConditions, fromModel, sameConfig, toModel, withDefaults, type FilterModel, type ViewState } from "./viewState";

// dnd-kit and the calendar load when a person first switches to them.
const KanbanView = lazy(() => import("./KanbanView"));
const CalendarView = lazy(() => import("./CalendarView"));

const FILTER_DELAY = 300;

export default function ListPage() {
  const { t } = useTranslation();
  const lang = useLang();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const showProblem = useShowProblem();
  const { appKey = "", formKey = "" } = useParams();
  const [params, setParams] = useSearchParams();
  const form = useRuntimeForm(appKey, formKey);
  const perms = useMyPermissions(appKey, formKey);
  const views = useViews(appKey, formKey);
  const fields = useFormFields(form.data, perms.data?.fields);
  const bulkDelete = useBulkDelete(appKey, formKey);

  const viewId = params.get("view");
  const current: SavedView | null = views.data?.items.find((v) => String(v.id) === viewId) ?? null;
  const defaultColumns = useMemo(() => fields.data.map((f) => f.key), [fields.data]);
  const base: ViewState = useMemo(
    () => (current ? { kind: current.kind, config: withDefaults(current.config, defaultColumns) } : { kind: "table", config: withDefaults(undefined, defaultColumns) }),
    [current, defaultColumns],
  );
  const [state, setState] = useState<ViewState>(base);
  const [filterModel, setFilterModel] = useState<FilterModel>(() => toModel(base.config.filter));
  const [page, setPage] = useState(1);
  const [selected, setSelected] = useState<Id[]>([]);
  const [bulkEditing, setBulkEditing] = useState(false);
  const [importing, setImporting] = useState(false);
  const [search, setSearch] = useState(base.config.search ?? "");
  const versions = useRef(new Map<string, number>());

  // A different saved view (or the form's fields arriving) starts over from that view.
  useEffect(() => {
    setState(base);
    setFilterModel(toModel(base.config.filter));
    setSearch(base.config.search ?? "");
    setPage(1);
    setSelected([]);
  }, [base]);

  const setConfig = (change: Partial<ViewConfig>) => {
    setState((s) => ({ ...s, config: { ...s.config, ...change } }));
    if ("filter" in change || "search" in change || "sort" in change) setPage(1);
  };

  // The filter follows the builder a moment after the last change (not on every keystroke).
  useEffect(() => {
    const timer = setTimeout(() => {
      const next = fromModel(filterModel);
      setState((s) => (JSON.stringify(s.config.filter) === JSON.stringify(next) ? s : { ...s, config: { ...s.config, filter: next } }));
    }, FILTER_DELAY);
    return () => clearTimeout(timer);
  }, [filterModel]);

  const { kind, config } = state;
  const readable = perms.data?.fields;
  const visibleColumns = config.columns.filter((k) => fields.byKey.has(k));
  const records = useRecords(
    appKey,
    formKey,
    { filter: config.filter, search: config.search, sort: config.sort, page, limit: config.page_size, count: true },
    { enabled: kind === "table" && !!form.data && !!perms.data },
  );
  for (const r of records.data?.items ?? []) versions.current.set(String(r.id), r.version);

  const actions = new Set(perms.data?.actions ?? []);
  const editableFields = fields.data.filter((f) => readable?.[f.key] === "editable" && !fields.computed(f));
  const editable = (key: string) => actions.has("edit") && readable?.[key] === "editable" && editableFields.some((f) => f.key === key);
  const groupField = fields.groupable.find((f) => f.key === config.group_field) ?? fields.groupable[0];
  const dateField = fields.dated.find((f) => f.key === config.date_field) ?? fields.dated[0];

  if (form.isLoading || perms.isLoading) {
    return (
      <div className="qq-center">
        <Spin />
      </div>
    );
  }
  if (!form.data || !perms.data) {
    return <Result status="404" title={form.data === null ? t("runtime.list.notPublished") : t("runtime.list.noForm")} />;
  }

  const title = textOf(form.data.label, lang) || formKey;
  const dirty = !sameConfig(state, base);
  const exportRequest = (format: "xlsx" | "csv", filter: FilterNode | null) => ({
    format,
    filter,
    sort: config.sort,
    search: config.search,
    fields: visibleColumns,
  });
  const exportView = (format: "xlsx" | "csv") => download(exportUrl(appKey, formKey, exportRequest(format, config.filter)));
  const exportSelection = () =>
    download(exportUrl(appKey, formKey, exportRequest("xlsx", { field: "id", op: "in", value: selected })));

  const switchKind = (next: ViewKind) =>
    setState((s) => ({
      kind: next,
      config: {
        ...s.config,
        group_field: next === "kanban" ? s.config.group_field ?? groupField?.key ?? null : s.config.group_field,
        date_field: next === "calendar" ? s.config.date_field ?? dateField?.key ?? null : s.config.date_field,
      },
    }));

  const filters = activeConditions(config.filter);

  return (
    <div className="qq-page qq-list-page">
      <div className="qq-page-head">
        <Typography.Title level={2}>{title}</Typography.Title>
        <Space wrap>
          {actions.has("import") ? (
            <Button icon={<UploadOutlined aria-hidden />} onClick={() => setImporting(true)}>
              {t("runtime.import.open")}
            </Button>
          ) : null}
          {actions.has("export") ? (
            <Dropdown
              trigger={["click"]}
              menu={{
                items: [
                  { key: "xlsx", label: t("runtime.export.xlsx") },
                  { key: "csv", label: t("runtime.export.csv") },
                ],
                onClick: ({ key }) => exportView(key as "xlsx" | "csv"),
              }}
            >
              <Button icon={<DownloadOutlined aria-hidden />}>{t("runtime.export.view")}</Button>
            </Dropdown>
          ) : null}
          {actions.has("create") ? (
            <Button type="primary" icon={<PlusOutlined aria-hidden />} onClick={() => navigate(`${formPath(appKey, formKey)}/new`)}>
              {t("runtime.list.new")}
            </Button>
          ) : null}
        </Space>
      </div>

      <ViewBar
        appKey={appKey}
        formKey={formKey}
        current={current}
        state={state}
        dirty={dirty}
        onPick={(id) => setParams(id === null ? {} : { view: String(id) })}
      />

      <div className="qq-toolbar qq-list-toolbar" role="search">
        <Segmented<ViewKind>
          aria-label={t("runtime.views.kind")}
          value={kind}
          onChange={switchKind}
          options={[
            { value: "table", icon: <TableOutlined aria-hidden />, label: t("runtime.views.table") },
            { value: "kanban", icon: <AppstoreOutlined aria-hidden />, label: t("runtime.views.kanban"), disabled: !fields.groupable.length },
            { value: "calendar", icon: <CalendarOutlined aria-hidden />, label: t("runtime.views.calendar"), disabled: !fields.dated.length },
          ]}
        />
        <Input.Search
          className="qq-list-search"
          aria-label={t("runtime.list.search")}
          placeholder={t("runtime.list.search")}
          allowClear
          value={search}
          onChange={(e) => setSearch(e.target.value)}
          onSearch={(v) => setConfig({ search: v.trim() || null })}
        />
        <Popover
          trigger="click"
          placement="bottomLeft"
          title={t("runtime.filter.title")}
          content={<FilterBuilder fields={fields.data} model={filterModel} onChange={setFilterModel} appKey={appKey} formKey={formKey} />}
        >
          <Badge count={filters} size="small">
            <Button icon={<FilterOutlined aria-hidden />}>{t("runtime.filter.button")}</Button>
          </Badge>
        </Popover>
        {kind === "table" ? (
          <Popover
            trigger="click"
            placement="bottomLeft"
            title={t("runtime.columns.title")}
            content={
              <ColumnChooser fields={fields.data} columns={config.columns} frozen={config.frozen} onChange={(next) => setConfig(next)} />
            }
          >
            <Button icon={<ColumnWidthOutlined aria-hidden />}>{t("runtime.columns.button")}</Button>
          </Popover>
        ) : null}
        {kind === "kanban" && fields.groupable.length ? (
          <Select
            aria-label={t("runtime.kanban.groupBy")}
            value={groupField?.key}
            onChange={(v: string) => setConfig({ group_field: v })}
            options={fields.groupable.map((f) => ({ value: f.key, label: t("runtime.kanban.groupByField", { field: fieldLabel(f, lang) }) }))}
          />
        ) : null}
        {kind === "calendar" && fields.dated.length ? (
          <Select
            aria-label={t("runtime.calendar.dateField")}
            value={dateField?.key}
            onChange={(v: string) => setConfig({ date_field: v })}
            options={fields.dated.map((f) => ({ value: f.key, label: fieldLabel(f, lang) }))}
          />
        ) : null}
      </div>

      {kind === "table" && selected.length ? (
        <div className="qq-bulk-bar" role="region" aria-label={t("runtime.bulk.region")}>
          <Typography.Text strong>{t("runtime.bulk.selected", { count: selected.length })}</Typography.Text>
          <Space wrap>
            {actions.has("edit") && editableFields.length ? (
              <Button icon={<EditOutlined aria-hidden />} onClick={() => setBulkEditing(true)}>
                {t("runtime.bulk.edit")}
              </Button>
            ) : null}
            {actions.has("export") ? (
              <Button icon={<DownloadOutlined aria-hidden />} onClick={exportSelection}>
                {t("runtime.export.selection")}
              </Button>
            ) : null}
            {actions.has("delete") ? (
              <Popconfirm
                title={t("runtime.bulk.deleteConfirm", { count: selected.length })}
                okText={t("common.delete")}
                cancelText={t("common.cancel")}
                okButtonProps={{ danger: true }}
                onConfirm={() =>
                  bulkDelete.mutate(selected, {
                    onSuccess: (out) => {
                      void message.success(t("runtime.bulk.deleted", { count: out.deleted.length }));
                      setSelected([]);
                    },
                    onError: (e) => showProblem(e),
                  })
                }
              >
                <Button danger icon={<DeleteOutlined aria-hidden />} loading={bulkDelete.isPending}>
                  {t("runtime.bulk.delete")}
                </Button>
              </Popconfirm>
            ) : null}
            <Button type="link" onClick={() => setSelected([])}>
              {t("runtime.bulk.clear")}
            </Button>
          </Space>
        </div>
      ) : null}

      {records.error ? <Result status="warning" title={t("runtime.list.queryFailed")} subTitle={records.error.message} /> : null}

      {kind === "table" ? (
        visibleColumns.length ? (
          <TableView
            appKey={appKey}
            formKey={formKey}
            fields={fields.byKey}
            titleKey={fields.titleKey}
            config={config}
            onConfig={setConfig}
            records={records.data?.items ?? []}
            total={records.data?.total ?? 0}
            page={page}
            onPage={setPage}
            loading={records.isFetching}
            editable={editable}
            sortable={fields.sortable}
            selectable={actions.has("edit") || actions.has("delete") || actions.has("export")}
            selected={selected}
            onSelect={setSelected}
          />
        ) : (
          <Empty description={t("runtime.list.noColumns")} />
        )
      ) : (
        <Suspense
          fallback={
            <div className="qq-center">
              <Spin />
            </div>
          }
        >
          {kind === "kanban" && groupField ? (
            <KanbanView
              appKey={appKey}
              formKey={formKey}
              group={groupField}
              cardFields={visibleColumns.map((k) => fields.byKey.get(k)!).filter(Boolean)}
              titleKey={fields.titleKey}
              filter={config.filter}
              search={config.search}
              sort={config.sort}
              canMove={actions.has("edit") && readable?.[groupField.key] === "editable"}
            />
          ) : null}
          {kind === "calendar" && dateField ? (
            <CalendarView
              appKey={appKey}
              formKey={formKey}
              dateField={dateField}
              titleKey={fields.titleKey}
              filter={config.filter}
              search={config.search}
            />
          ) : null}
        </Suspense>
      )}

      <BulkEditModal
        open={bulkEditing}
        onClose={(done) => {
          setBulkEditing(false);
          if (done) setSelected([]);
        }}
        appKey={appKey}
        formKey={formKey}
        fields={editableFields}
        ids={selected}
        versions={versions.current}
      />
      <ImportWizard open={importing} onClose={() => setImporting(false)} appKey={appKey} formKey={formKey} fields={fields.byKey} />
    </div>
  );
}
