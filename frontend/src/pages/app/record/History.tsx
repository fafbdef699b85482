// The record's history: who changed what, newest first, each change as before → after.
import { Card, Empty, Timeline, Typography } from "antd";
import { useTranslation } from "react-i18next";
import { useDirectoryNames } from "../../../api/forms";
import { useHistory } from "../../../api/records";
import type { Id } from "../../../api/types";
import type { FieldDef } from "../../../registries/fields/types";
import { ValueCell, fieldLabel, useLang } from "../fieldKit";
import { formatWhen } from "./format";

const OPS = ["create", "update", "delete", "restore"];

export function History({ appKey, formKey, recordId, fields }: { appKey: string; formKey: string; recordId: Id; fields: Map<string, FieldDef> }) {
  const { t } = useTranslation();
  const lang = useLang();
  const history = useHistory(appKey, formKey, recordId);
  const entries = history.data ?? [];
  const names = useDirectoryNames(entries.map((e) => Number(e.actor_id)).filter((id) => Number.isFinite(id) && id > 0));
  return (
    <Card title={t("runtime.history.title")} size="small" loading={history.isLoading}>
      {entries.length ? (
        <Timeline
          items={entries.map((e) => ({
            key: String(e.id),
            content: (
              <div className="qq-history-entry">
                <Typography.Text strong>{OPS.includes(e.op) ? t(`runtime.history.op.${e.op}`) : e.op}</Typography.Text>{" "}
                {e.actor_id != null ? <Typography.Text>{names.data?.get(Number(e.actor_id)) ?? `#${e.actor_id}`} </Typography.Text> : null}
                <Typography.Text type="secondary">{formatWhen(e.at, lang)}</Typography.Text>
                <ul className="qq-history-changes">
                  {Object.entries(e.changes ?? {}).map(([key, pair]) => {
                    const field = fields.get(key);
                    const [before, after] = Array.isArray(pair) ? pair : [null, pair];
                    return (
                      <li key={key}>
                        <Typography.Text type="secondary">{field ? fieldLabel(field, lang) : key}: </Typography.Text>
                        {field && e.op !== "create" ? (
                          <>
                            <ValueCell field={field} value={before} mode="compact" /> {"→"}{" "}
                          </>
                        ) : null}
                        {field ? <ValueCell field={field} value={after} mode="compact" /> : String(after ?? "")}
                      </li>
                    );
                  })}
                </ul>
              </div>
            ),
          }))}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("runtime.history.none")} />
      )}
    </Card>
  );
}
