// Which columns the table shows, in which order, and which stay fixed at the left while it scrolls.
import { ArrowDownOutlined, ArrowUpOutlined, PushpinFilled, PushpinOutlined } from "@ant-design/icons";
import { Button, Checkbox, Tooltip } from "antd";
import { useTranslation } from "react-i18next";
import type { FieldDef } from "../../../registries/fields/types";
import { fieldLabel, useLang } from "../fieldKit";

interface Props {
  fields: FieldDef[];
  columns: string[];
  frozen: string[];
  onChange: (next: { columns: string[]; frozen: string[] }) => void;
}

export function ColumnChooser({ fields, columns, frozen, onChange }: Props) {
  const { t } = useTranslation();
  const lang = useLang();
  const byKey = new Map(fields.map((f) => [f.key, f]));
  const shown = columns.filter((k) => byKey.has(k));
  // Shown columns in their order first, then the others in the form's order.
  const listed = [...shown, ...fields.map((f) => f.key).filter((k) => !shown.includes(k))];

  const toggle = (key: string, on: boolean) => {
    const next = on ? [...shown, key] : shown.filter((k) => k !== key);
    if (!next.length) return; // a table shows at least one column
    onChange({ columns: next, frozen: frozen.filter((k) => next.includes(k)) });
  };
  const move = (key: string, by: -1 | 1) => {
    const i = shown.indexOf(key);
    const j = i + by;
    if (i < 0 || j < 0 || j >= shown.length) return;
    const next = [...shown];
    [next[i], next[j]] = [next[j], next[i]];
    onChange({ columns: next, frozen });
  };
  const pin = (key: string) => {
    const next = frozen.includes(key) ? frozen.filter((k) => k !== key) : [...frozen, key];
    onChange({ columns: shown, frozen: next });
  };

  return (
    <ul className="qq-column-chooser" aria-label={t("runtime.columns.title")}>
      {listed.map((key) => {
        const f = byKey.get(key)!;
        const label = fieldLabel(f, lang);
        const on = shown.includes(key);
        const pinned = frozen.includes(key);
        const index = shown.indexOf(key);
        return (
          <li key={key}>
            <Checkbox checked={on} onChange={(e) => toggle(key, e.target.checked)}>
              {label}
            </Checkbox>
            <span className="qq-column-actions">
              <Button
                type="text"
                size="small"
                disabled={!on || index === 0}
                aria-label={t("runtime.columns.moveUp", { field: label })}
                icon={<ArrowUpOutlined aria-hidden />}
                onClick={() => move(key, -1)}
              />
              <Button
                type="text"
                size="small"
                disabled={!on || index === shown.length - 1}
                aria-label={t("runtime.columns.moveDown", { field: label })}
                icon={<ArrowDownOutlined aria-hidden />}
                onClick={() => move(key, 1)}
              />
              <Tooltip title={pinned ? t("runtime.columns.unfreeze") : t("runtime.columns.freeze")}>
                <Button
                  type="text"
                  size="small"
                  disabled={!on}
                  aria-pressed={pinned}
                  aria-label={t(pinned ? "runtime.columns.unfreezeField" : "runtime.columns.freezeField", { field: label })}
                  icon={pinned ? <PushpinFilled aria-hidden /> : <PushpinOutlined aria-hidden />}
                  onClick={() => pin(key)}
                />
              </Tooltip>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
