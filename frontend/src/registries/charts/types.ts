// Shapes of a report's result as the server sends it (runtime/reports/service.py `run`).

export interface ReportColumn {
  key: string;
  label: string | null;
  role: "dimension" | "measure";
  kind: string;
  bucket: string | null;
}

/** `qq.format` of an option: how axes and tooltips format numbers (engines/report/charts/base.py). */
export interface NumberFormat {
  style: "number" | "percent" | "currency" | "wan";
  decimals: number | null;
  currency: string;
  suffix: string;
}

export type Row = Record<string, unknown>;

export interface ReportData {
  columns: ReportColumn[];
  rows: Row[];
  /** dimension key → raw value (as a string) → display name (people, departments, links, options) */
  labels: Record<string, Record<string, string>>;
  option: EChartsLikeOption;
  truncated: boolean;
  cached: boolean;
  /** the definition's chart type (the server says it on every result) */
  chart_type?: string;
}

// The server's option: ECharts' own keys plus `qq` (the page's part), loosely typed on purpose —
// the server owns its shape and the renderers read only what they need.
export interface EChartsLikeOption {
  qq?: {
    format?: NumberFormat;
    kpi?: Kpi;
    leaderboard?: LeaderboardRow[];
    table?: DetailTable;
    pivot?: Pivot;
    progress?: { value: number; target: number; ratio: number };
    [key: string]: unknown;
  };
  [key: string]: unknown;
}

export interface Kpi {
  label: string | null;
  value: number | null;
  formatted: string;
  color: string | null;
  compare?: {
    value: number;
    delta: number;
    percent: number | null;
    direction: "up" | "down" | "flat";
    good: boolean;
    arrow: string;
  };
}

export interface LeaderboardRow {
  rank: number;
  name: string;
  value: number | null;
  formatted: string;
  user_id: number | null;
  color: string | null;
}

export interface DetailTable {
  columns: { key: string; label: string | null; role: string }[];
  names: Record<string, Record<string, string>>;
  colors: Record<string, (string | null)[]>;
  page_size: number;
  totals?: Record<string, string>;
}

export interface PivotCell {
  value: number | null;
  text: string;
  color?: string;
}

export interface Pivot {
  row_headers: (string | null)[];
  columns: string[];
  rows: { headers: string[]; cells: PivotCell[]; total: string }[];
  column_totals?: string[];
}

/** The values of the report's dimensions at a clicked bar, slice, cell or row (dimension key → raw value). */
export type ClickedValues = Record<string, unknown>;

export interface ChartClick {
  values: ClickedValues;
  /** What the reader clicked, as shown (for a breadcrumb). */
  name: string;
}

export interface ChartRendererProps {
  data: ReportData;
  /** Present when a click may drill down or open records. */
  onClick?: (click: ChartClick) => void;
  /** Print / export: no animations. */
  print?: boolean;
  /** Called once the chart has drawn (the exporter waits for every widget). */
  onReady?: () => void;
}
