// Places: a China address picked level by level (divisions from GET /api/regions) with a
// detail line, and a point entered as latitude/longitude or taken from the device's position.
import { AimOutlined, EnvironmentOutlined, HomeOutlined } from "@ant-design/icons";
import { Button, Cascader, Input, InputNumber, Space, Typography } from "antd";
import { useMemo, useState } from "react";
import { useTranslation } from "react-i18next";
import { fetchRegionChildren, useRegions, type Region } from "../../api/forms";
import { fromGps, regionPath, type Datum } from "./geo";
import { registerFieldType } from "./index";
import { EMPTY_OPS } from "./operators";
import { EmptyCell, makeFilter, validator } from "./shared";
import type { CellProps, FieldDef, InputProps } from "./types";
import { checkAddress, checkLocation } from "./validation";
import { isEmptyValue, opt, toNumber } from "./values";

const LEVELS = ["province", "city", "district", "street"] as const;

interface AddressValue {
  province?: string;
  city?: string;
  district?: string;
  street?: string;
  code?: string;
  detail?: string;
}

interface RegionOption {
  value: string;
  label: string;
  isLeaf?: boolean;
  children?: RegionOption[];
}

function depthOf(field: FieldDef): number {
  return LEVELS.indexOf(opt(field, "level", "district") as (typeof LEVELS)[number]) + 1;
}

function toOptions(regions: Region[], level: number, depth: number, streets: Record<string, Region[]>): RegionOption[] {
  return regions.map((r) => {
    const deeper = level + 1 < depth;
    if (!deeper) return { value: r.code, label: r.name, isLeaf: true };
    const children = level === 2 ? streets[r.code] : r.children;
    return {
      value: r.code,
      label: r.name,
      isLeaf: false,
      children: children ? toOptions(children, level + 1, depth, streets) : undefined,
    };
  });
}

/** The address text of a value: its names in order, then the detail line. */
export function addressText(value: unknown): string {
  if (!value || typeof value !== "object") return "";
  const v = value as AddressValue;
  const names = LEVELS.map((l) => v[l]).filter((n): n is string => !!n && !/^(\u5e02\u8f96\u533a|\u7701\u76f4\u8f96\u53bf\u7ea7\u884c\u653f\u533a\u5212|\u81ea\u6cbb\u533a\u76f4\u8f96\u53bf\u7ea7\u884c\u653f\u533a\u5212)$/.test(n));
  return [names.join(" "), v.detail].filter(Boolean).join(" ");
}

function RegionPicker({
  id, depth, value, onChange, disabled, changeOnSelect,
}: {
  id?: string;
  depth: number;
  value: string[];
  onChange: (codes: string[], names: string[]) => void;
  disabled?: boolean;
  changeOnSelect?: boolean;
}) {
  const { t } = useTranslation();
  const regions = useRegions();
  const [streets, setStreets] = useState<Record<string, Region[]>>({});
  const options = useMemo(() => toOptions(regions.data ?? [], 0, depth, streets), [regions.data, depth, streets]);
  return (
    <Cascader
      id={id}
      style={{ width: "100%" }}
      options={options}
      value={value.length ? value : undefined}
      loading={regions.isLoading}
      changeOnSelect={changeOnSelect}
      disabled={disabled}
      showSearch={depth <= 3}
      placeholder={t("fields.address.pick")}
      loadData={(selected) => {
        const last = selected[selected.length - 1];
        if (!last || streets[String(last.value)]) return;
        void fetchRegionChildren(String(last.value)).then((page) =>
          setStreets((s) => ({ ...s, [String(last.value)]: page.items })),
        );
      }}
      onChange={(codes, picked) => {
        const list = (codes ?? []) as string[];
        onChange(list, ((picked ?? []) as RegionOption[]).map((o) => o.label));
      }}
    />
  );
}

function AddressInput({ field, value, onChange, disabled, id }: InputProps) {
  const { t } = useTranslation();
  const depth = depthOf(field);
  const v = (value && typeof value === "object" ? value : {}) as AddressValue;
  const codes = v.code ? regionPath(v.code, depth) : [];
  const withDetail = opt(field, "detail", true);
  const set = (next: AddressValue) => onChange(isEmptyValue(next.code) && !next.detail ? null : next);
  return (
    <Space orientation="vertical" style={{ width: "100%" }} size={6}>
      <RegionPicker
        id={id}
        depth={depth}
        value={codes}
        disabled={disabled}
        onChange={(picked, names) => {
          if (!picked.length) return set({ detail: v.detail });
          const next: AddressValue = { code: picked[picked.length - 1], detail: v.detail };
          names.forEach((name, i) => {
            next[LEVELS[i]] = name;
          });
          set(next);
        }}
      />
      {withDetail && (
        <Input
          aria-label={t("fields.address.detail")}
          placeholder={t("fields.address.detail")}
          value={v.detail ?? ""}
          maxLength={200}
          disabled={disabled}
          onChange={(e) => set({ ...v, detail: e.target.value || undefined })}
        />
      )}
    </Space>
  );
}

function WithinFilter({ value, onChange }: InputProps) {
  const code = typeof value === "string" ? value : "";
  return <RegionPicker depth={3} value={code ? regionPath(code, 3) : []} changeOnSelect onChange={(codes) => onChange(codes.at(-1) ?? null)} />;
}

function AddressCell({ value, mode }: CellProps) {
  const text = addressText(value);
  if (!text) return <EmptyCell mode={mode} />;
  return <Typography.Text ellipsis={mode === "compact"}>{text}</Typography.Text>;
}

registerFieldType({
  type: "address",
  icon: <HomeOutlined />,
  Input: AddressInput,
  Cell: AddressCell,
  operators: ["within", ...EMPTY_OPS],
  Filter: makeFilter({ Input: AddressInput, One: WithinFilter }),
  validate: validator(checkAddress),
  isEmpty: (v) => isEmptyValue(v) || (typeof v === "object" && !(v as AddressValue).code && !(v as AddressValue).province),
  text: (_f, v) => addressText(v),
});

// -- location -------------------------------------------------------------------------------------

interface Point {
  lat?: number | null;
  lng?: number | null;
  label?: string | null;
}

function LocationInput({ field, value, onChange, disabled, id }: InputProps) {
  const { t } = useTranslation();
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const p = (value && typeof value === "object" ? value : {}) as Point;
  const gpsOnly = opt(field, "gps_only", false);
  const datum = opt(field, "coordinate_system", "gcj02") as Datum;
  const set = (next: Point) => {
    const clean: Point = { lat: next.lat ?? null, lng: next.lng ?? null };
    if (next.label) clean.label = next.label;
    onChange(clean.lat === null && clean.lng === null && !clean.label ? null : clean);
  };
  const locate = () => {
    if (typeof navigator === "undefined" || !navigator.geolocation) {
      setError(t("fields.location.unsupported"));
      return;
    }
    setBusy(true);
    setError(null);
    navigator.geolocation.getCurrentPosition(
      (pos) => {
        setBusy(false);
        set({ ...p, ...fromGps(pos.coords.latitude, pos.coords.longitude, datum) });
      },
      (err) => {
        setBusy(false);
        setError(err.code === err.PERMISSION_DENIED ? t("fields.location.denied") : t("fields.location.failed"));
      },
      { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 },
    );
  };
  return (
    <Space orientation="vertical" style={{ width: "100%" }} size={6}>
      <Space.Compact block>
        <InputNumber
          id={id}
          aria-label={t("fields.location.lat")}
          placeholder={t("fields.location.lat")}
          style={{ width: "50%" }}
          min={-90}
          max={90}
          step={0.0001}
          value={toNumber(p.lat) ?? undefined}
          disabled={disabled || gpsOnly}
          onChange={(v) => set({ ...p, lat: v ?? null })}
        />
        <InputNumber
          aria-label={t("fields.location.lng")}
          placeholder={t("fields.location.lng")}
          style={{ width: "50%" }}
          min={-180}
          max={180}
          step={0.0001}
          value={toNumber(p.lng) ?? undefined}
          disabled={disabled || gpsOnly}
          onChange={(v) => set({ ...p, lng: v ?? null })}
        />
      </Space.Compact>
      <Space.Compact block>
        <Input
          aria-label={t("fields.location.label")}
          placeholder={t("fields.location.label")}
          maxLength={200}
          value={p.label ?? ""}
          disabled={disabled}
          onChange={(e) => set({ ...p, label: e.target.value || null })}
        />
        <Button icon={<AimOutlined />} loading={busy} disabled={disabled} onClick={locate}>
          {t("fields.location.useMine")}
        </Button>
      </Space.Compact>
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
    </Space>
  );
}

export function locationText(value: unknown): string {
  if (!value || typeof value !== "object") return "";
  const p = value as Point;
  const coords = p.lat !== null && p.lat !== undefined && p.lng !== null && p.lng !== undefined ? `${p.lat}, ${p.lng}` : "";
  return p.label ? `${p.label}${coords ? ` (${coords})` : ""}` : coords;
}

function LocationCell({ value, mode }: CellProps) {
  const text = locationText(value);
  if (!text) return <EmptyCell mode={mode} />;
  return (
    <Typography.Text ellipsis={mode === "compact"}>
      <EnvironmentOutlined /> {text}
    </Typography.Text>
  );
}

registerFieldType({
  type: "location",
  icon: <EnvironmentOutlined />,
  Input: LocationInput,
  Cell: LocationCell,
  operators: [...EMPTY_OPS],
  Filter: makeFilter({ Input: LocationInput }),
  validate: validator((_f, v) => checkLocation(v)),
  isEmpty: (v) => isEmptyValue(v) || (typeof v === "object" && (v as Point).lat == null && (v as Point).lng == null),
  text: (_f, v) => locationText(v),
});
