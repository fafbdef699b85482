// The function catalogue of the formula editor: grouped by family, searchable, each with its
// signature, description and an example; choosing one inserts it at the caret.
import { Collapse, Empty, Input, Typography } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import type { ExprCatalogue } from "../../api/expr";

export function FunctionCatalogue({
  catalogue,
  lang,
  onPick,
}: {
  catalogue: ExprCatalogue | undefined;
  lang: "zh-CN" | "en";
  onPick: (name: string) => void;
}) {
  const { t } = useTranslation();
  const [q, setQ] = useState("");
  const groups = useMemo(() => {
    const needle = q.trim().toLowerCase();
    const items = (catalogue?.items ?? []).filter((f) => {
      if (!needle) return true;
      const description = `${f.description["zh-CN"] ?? ""} ${f.description.en ?? ""}`.toLowerCase();
      return f.name.toLowerCase().includes(needle) || description.includes(needle);
    });
    return (catalogue?.families ?? []).map((family) => ({ family, items: items.filter((f) => f.family === family) }))
      .filter((g) => g.items.length);
  }, [catalogue, q]);

  return (
    <div className="qq-fx-catalogue">
      <Input.Search
        allowClear
        size="small"
        placeholder={t("builder.formula.searchFunctions")}
        aria-label={t("builder.formula.searchFunctions")}
        value={q}
        onChange={(e) => setQ(e.target.value)}
      />
      {groups.length ? (
        <Collapse
          size="small"
          ghost
          defaultActiveKey={q ? groups.map((g) => g.family) : [groups[0].family]}
          key={q ? "search" : "all"}
          items={groups.map((g) => ({
            key: g.family,
            label: t(`builder.formula.family.${g.family}`, { defaultValue: g.family }),
            children: (
              <ul className="qq-fx-functions">
                {g.items.map((f) => (
                  <li key={f.name}>
                    <button type="button" className="qq-fx-function" onClick={() => onPick(f.name)}>
                      <code>{f.signature}</code>
                      <span>{f.description[lang] || f.description.en || f.description["zh-CN"]}</span>
                      {f.examples[0] ? (
                        <Typography.Text type="secondary" className="qq-fx-example">
                          {f.examples[0].formula} → {f.examples[0].result}
                        </Typography.Text>
                      ) : null}
                    </button>
                  </li>
                ))}
              </ul>
            ),
          }))}
        />
      ) : (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t("builder.formula.noFunctions")} />
      )}
    </div>
  );
}
