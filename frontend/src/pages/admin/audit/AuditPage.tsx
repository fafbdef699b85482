// Admin: the audit log, newest first, filtered by action, actor and time; each row opens
// to show the state before and after.
import { Button, DatePicker, Descriptions, Select, Table, Tag, Typography } from "antd";
import type { TableColumnsType } from "antd";
import type { Dayjs } from "dayjs";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useAuditLog, type AuditFilter } from "../../../api/audit";
import type { AuditEntry, Id } from "../../../api/types";
import { auditActionName, formatDateTime } from "../../../components/format";
import { UserSelect } from "../../../components/UserSelect";
import { describeError } from "../../../components/useShowProblem";
import { AUDIT_ACTION_KINDS, KNOWN_AUDIT_ACTIONS } from "./actions";

function JsonBlock({ label, value }: { label: string; value: unknown }) {
  return (
    <div className="qq-json">
      <Typography.Text strong>{label}</Typography.Text>
      <pre>{value === null || value === undefined ? "—" : JSON.stringify(value, null, 2)}</pre>
    </div>
  );
}

function actionColor(action: string): string | undefined {
  if (/failed|locked|denied/.test(action)) return "red";
  if (/\.(delete|disable|revoke)/.test(action)) return "orange";
  if (/\.create/.test(action)) return "green";
  return undefined;
}

export default function AuditPage() {
  const { t } = useTranslation();
  // The server matches an action exactly, or a whole kind ("user."); any other typed name
  // is offered as an exact filter too, so actions this page does not know stay searchable.
  const [action, setAction] = useState("");
  const [actionSearch, setActionSearch] = useState("");
  const [actorId, setActorId] = useState<Id | null>(null);
  const [range, setRange] = useState<[Dayjs | null, Dayjs | null] | null>(null);

  const filter: AuditFilter = useMemo(
    () => ({
      action: action.trim() || undefined,
      actor_id: actorId ?? undefined,
      since: range?.[0]?.startOf("day").toISOString(),
      until: range?.[1]?.endOf("day").toISOString(),
    }),
    [action, actorId, range],
  );
  const log = useAuditLog(filter);
  const rows = useMemo(() => log.data?.pages.flatMap((p) => p.items) ?? [], [log.data]);

  const actionOptions = useMemo(() => {
    const typed = actionSearch.trim();
    const known = [...AUDIT_ACTION_KINDS, ...KNOWN_AUDIT_ACTIONS] as readonly string[];
    return [
      ...(typed && !known.includes(typed)
        ? [{ label: t("audit.typedGroup"), options: [{ value: typed, label: typed }] }]
        : []),
      {
        label: t("audit.kindsGroup"),
        options: AUDIT_ACTION_KINDS.map((k) => ({ value: k, label: t(`audit.kinds.${k.slice(0, -1)}`) })),
      },
      {
        label: t("audit.actionsGroup"),
        options: KNOWN_AUDIT_ACTIONS.map((a) => ({ value: a, label: `${auditActionName(t, a)} · ${a}` })),
      },
    ];
  }, [t, actionSearch]);

  const columns: TableColumnsType<AuditEntry> = [
    { title: t("audit.at"), dataIndex: "at", render: formatDateTime, width: 150 },
    { title: t("audit.actor"), key: "actor", render: (_, e) => e.actor_name ?? (e.actor_id ? `#${e.actor_id}` : t("audit.system")) },
    {
      title: t("audit.action"),
      dataIndex: "action",
      render: (a: string) => (
        <Tag color={actionColor(a)} title={a}>
          {auditActionName(t, a)}
        </Tag>
      ),
    },
    {
      title: t("audit.target"),
      key: "target",
      render: (_, e) => (e.target_type ? `${t(`audit.targetTypes.${e.target_type}`, { defaultValue: e.target_type })} #${e.target_id ?? ""}` : "—"),
    },
    { title: t("audit.ip"), dataIndex: "ip", render: (ip: string | null) => ip ?? "—", responsive: ["md"] },
  ];

  return (
    <div className="qq-page">
      <div className="qq-page-head">
        <Typography.Title level={2}>{t("nav.audit")}</Typography.Title>
      </div>
      <div className="qq-filters" role="search">
        <Select<string>
          aria-label={t("audit.filterAction")}
          placeholder={t("audit.filterAction")}
          options={actionOptions}
          value={action || undefined}
          onChange={(v) => setAction(v ?? "")}
          allowClear
          className="qq-filter-wide"
          showSearch={{
            onSearch: setActionSearch,
            filterOption: (input, option) => {
              const needle = input.trim().toLowerCase();
              return !!option && `${option.label ?? ""} ${option.value ?? ""}`.toLowerCase().includes(needle);
            },
          }}
        />
        <UserSelect
          aria-label={t("audit.filterActor")}
          placeholder={t("audit.filterActor")}
          value={actorId}
          onChange={setActorId}
          style={{ minWidth: 200 }}
        />
        <DatePicker.RangePicker
          aria-label={t("audit.filterRange")}
          value={range}
          onChange={(v) => setRange(v)}
          allowEmpty={[true, true]}
          placeholder={[t("audit.since"), t("audit.until")]}
        />
      </div>
      {log.isError ? (
        <Typography.Paragraph type="danger">{describeError(t, log.error)}</Typography.Paragraph>
      ) : null}
      <Table<AuditEntry>
        rowKey={(e) => String(e.id)}
        columns={columns}
        dataSource={rows}
        loading={log.isLoading}
        pagination={false}
        // A fixed minimum, not max-content: an opened row's long JSON or user agent must
        // wrap inside the table instead of widening it.
        scroll={{ x: 640 }}
        locale={{ emptyText: t("audit.empty") }}
        expandable={{
          expandedRowRender: (e) => (
            <div>
              <Descriptions size="small" column={{ xs: 1, md: 2 }} className="qq-block">
                <Descriptions.Item label={t("audit.actionKey")}>
                  <Typography.Text code>{e.action}</Typography.Text>
                </Descriptions.Item>
                <Descriptions.Item label={t("audit.ip")}>{e.ip ?? "—"}</Descriptions.Item>
                <Descriptions.Item label={t("audit.userAgent")}>{e.user_agent ?? "—"}</Descriptions.Item>
              </Descriptions>
              <div className="qq-json-pair">
                <JsonBlock label={t("audit.before")} value={e.before} />
                <JsonBlock label={t("audit.after")} value={e.after} />
              </div>
            </div>
          ),
        }}
      />
      <div className="qq-load-more">
        {log.hasNextPage ? (
          <Button onClick={() => void log.fetchNextPage()} loading={log.isFetchingNextPage}>
            {t("audit.loadMore")}
          </Button>
        ) : rows.length ? (
          <Typography.Text type="secondary">{t("audit.end")}</Typography.Text>
        ) : null}
      </div>
    </div>
  );
}
