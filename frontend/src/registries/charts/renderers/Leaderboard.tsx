// The leaderboard: a ranked list (`qq.leaderboard`), people with their avatar (initial).
import { Avatar } from "antd";
import { useEffect } from "react";
import { rawValueNamed, dimensions } from "../clicks";
import type { ChartRendererProps, LeaderboardRow } from "../types";

const MEDALS = ["#f5b301", "#a8b3c1", "#c9814a"];

export function Leaderboard({ data, onClick, onReady }: ChartRendererProps) {
  const rows = data.option.qq?.leaderboard ?? [];
  useEffect(() => onReady?.(), [onReady]);
  const top = Math.max(...rows.map((r) => Math.abs(r.value ?? 0)), 1);
  const dim = dimensions(data)[0];
  const click = (row: LeaderboardRow) => {
    if (!onClick || !dim) return;
    const raw = row.user_id ?? (rawValueNamed(data, dim, row.name).found ? rawValueNamed(data, dim, row.name).value : undefined);
    if (raw !== undefined) onClick({ values: { [dim.key]: raw }, name: row.name });
  };
  return (
    <ol className="qq-leaderboard">
      {rows.map((row) => (
        <li
          key={`${row.rank}-${row.name}`}
          className={onClick ? "qq-clickable" : undefined}
          onClick={() => click(row)}
          {...(onClick ? { tabIndex: 0, onKeyDown: (e: React.KeyboardEvent) => e.key === "Enter" && click(row) } : {})}
        >
          <span className="qq-rank" style={row.rank <= 3 ? { background: MEDALS[row.rank - 1], color: "#fff" } : undefined}>
            {row.rank}
          </span>
          <Avatar size="small" style={{ background: row.user_id ? "#1f4fd6" : "#8c99ad", flex: "none" }}>
            {Array.from(row.name)[0] ?? "?"}
          </Avatar>
          <span className="qq-leader-name">
            <span>{row.name}</span>
            <span className="qq-leader-bar">
              <span style={{ width: `${(Math.abs(row.value ?? 0) / top) * 100}%`, background: row.color ?? undefined }} />
            </span>
          </span>
          <span className="qq-leader-value">{row.formatted}</span>
        </li>
      ))}
    </ol>
  );
}
