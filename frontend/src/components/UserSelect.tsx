// Picks one person by searching the directory (lists may be long); every signed-in person may.
import { Select } from "antd";
import { useEffect, useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { useDirectoryUsers } from "../api/forms";
import type { Id } from "../api/types";

export interface UserOption {
  value: Id;
  label: string;
}

interface Props {
  id?: string;
  value?: Id | null;
  onChange?: (value: Id | null) => void;
  /** Labels for values that the current search may not return (e.g. the present head). */
  known?: UserOption[];
  placeholder?: string;
  allowClear?: boolean;
  style?: React.CSSProperties;
  "aria-label"?: string;
}

export function UserSelect({ id, value, onChange, known = [], placeholder, allowClear = true, style, ...rest }: Props) {
  const { t } = useTranslation();
  const [search, setSearch] = useState("");
  const [q, setQ] = useState("");
  useEffect(() => {
    const timer = setTimeout(() => setQ(search.trim()), 250);
    return () => clearTimeout(timer);
  }, [search]);
  const users = useDirectoryUsers(q);

  const options = useMemo(() => {
    const seen = new Set<string>();
    const out: UserOption[] = [];
    for (const u of users.data ?? []) {
      seen.add(String(u.id));
      out.push({ value: u.id, label: `${u.display_name} (${u.username})` });
    }
    for (const k of known) if (!seen.has(String(k.value))) out.push(k);
    return out;
  }, [users.data, known]);

  return (
    <Select<Id>
      id={id}
      aria-label={rest["aria-label"]}
      style={style}
      value={value ?? undefined}
      onChange={(v) => onChange?.(v ?? null)}
      options={options}
      allowClear={allowClear}
      placeholder={placeholder ?? t("common.searchPerson")}
      loading={users.isFetching}
      notFoundContent={users.isFetching ? t("common.loading") : t("common.noMatch")}
      showSearch={{ filterOption: false, onSearch: setSearch }}
    />
  );
}
