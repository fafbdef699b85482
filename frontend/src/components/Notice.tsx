// A light full-page notice for the initial bundle (antd's Result brings ~35 kB of
// illustrations, so it is used only inside lazily loaded pages).
import { CloseCircleFilled } from "@ant-design/icons";
import type { ReactNode } from "react";

export function Notice({ title, detail, action }: { title: string; detail?: string; action?: ReactNode }) {
  return (
    <div className="qq-notice" role="alert">
      <CloseCircleFilled aria-hidden className="qq-notice-icon" />
      <h1 className="qq-notice-title">{title}</h1>
      {detail ? <p className="qq-notice-detail">{detail}</p> : null}
      {action}
    </div>
  );
}
