// A signature drawn with a finger, pen or mouse on a canvas (pointer events), uploaded as one
// PNG to the file store. Loaded with the first signature field a form shows.
import { ClearOutlined, CheckOutlined, EditOutlined } from "@ant-design/icons";
import { Button, Image, Progress, Space, Typography } from "antd";
import { useCallback, useEffect, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { uploadFile } from "../../api/files";
import type { InputProps } from "./types";
import { fileRefs, fileUrl } from "./values";

const HEIGHT = 180;

export default function SignaturePad({ value, onChange, disabled, id }: InputProps) {
  const { t } = useTranslation();
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef(false);
  const last = useRef<{ x: number; y: number } | null>(null);
  const [drawn, setDrawn] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [error, setError] = useState<string | null>(null);
  const current = fileRefs(value)[0];
  const [editing, setEditing] = useState(!current);

  const prepare = useCallback(() => {
    const c = canvas.current;
    if (!c) return;
    const ratio = window.devicePixelRatio || 1;
    const width = c.clientWidth;
    c.width = Math.round(width * ratio);
    c.height = Math.round(HEIGHT * ratio);
    const ctx = c.getContext("2d");
    if (!ctx) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.lineWidth = 2.2;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.strokeStyle = "#111";
    setDrawn(false);
  }, []);

  useEffect(() => {
    if (editing) prepare();
  }, [editing, prepare]);

  const point = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const rect = e.currentTarget.getBoundingClientRect();
    return { x: e.clientX - rect.left, y: e.clientY - rect.top };
  };

  const down = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (disabled) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    drawing.current = true;
    last.current = point(e);
    const ctx = e.currentTarget.getContext("2d");
    if (ctx && last.current) {
      ctx.beginPath();
      ctx.arc(last.current.x, last.current.y, 1.1, 0, Math.PI * 2);
      ctx.fillStyle = "#111";
      ctx.fill();
    }
    setDrawn(true);
  };

  const move = (e: React.PointerEvent<HTMLCanvasElement>) => {
    if (!drawing.current || !last.current) return;
    const ctx = e.currentTarget.getContext("2d");
    const p = point(e);
    if (ctx) {
      ctx.beginPath();
      ctx.moveTo(last.current.x, last.current.y);
      ctx.lineTo(p.x, p.y);
      ctx.stroke();
    }
    last.current = p;
  };

  const up = () => {
    drawing.current = false;
    last.current = null;
  };

  const save = () => {
    const c = canvas.current;
    if (!c) return;
    setError(null);
    c.toBlob((blob) => {
      if (!blob) return;
      setProgress(0);
      uploadFile(blob, "signature.png", setProgress)
        .then((stored) => {
          setProgress(null);
          setEditing(false);
          onChange([stored]);
        })
        .catch((err: unknown) => {
          setProgress(null);
          setError(err instanceof Error ? err.message : t("fields.files.failed"));
        });
    }, "image/png");
  };

  if (!editing && current) {
    return (
      <Space orientation="vertical">
        <Image src={fileUrl(current.key)} alt={t("fields.signature.image")} width={240} style={{ background: "#fff", border: "1px solid #f0f0f0" }} />
        {!disabled && (
          <Space>
            <Button icon={<EditOutlined />} onClick={() => setEditing(true)}>
              {t("fields.signature.again")}
            </Button>
            <Button onClick={() => onChange(null)}>{t("fields.signature.remove")}</Button>
          </Space>
        )}
      </Space>
    );
  }

  return (
    <Space orientation="vertical" style={{ width: "100%", maxWidth: 520 }}>
      <canvas
        id={id}
        ref={canvas}
        role="img"
        aria-label={t("fields.signature.pad")}
        tabIndex={0}
        style={{ width: "100%", height: HEIGHT, border: "1px dashed #bfbfbf", borderRadius: 6, background: "#fff", touchAction: "none", cursor: disabled ? "not-allowed" : "crosshair" }}
        onPointerDown={down}
        onPointerMove={move}
        onPointerUp={up}
        onPointerCancel={up}
        onPointerLeave={up}
      />
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t("fields.signature.hint")}
      </Typography.Text>
      {progress !== null && <Progress percent={progress} size="small" />}
      {error && <Typography.Text type="danger">{error}</Typography.Text>}
      <Space>
        <Button icon={<ClearOutlined />} onClick={prepare} disabled={disabled || !drawn}>
          {t("fields.signature.clear")}
        </Button>
        <Button type="primary" icon={<CheckOutlined />} onClick={save} disabled={disabled || !drawn || progress !== null}>
          {t("fields.signature.confirm")}
        </Button>
        {current && <Button onClick={() => setEditing(false)}>{t("common.cancel")}</Button>}
      </Space>
    </Space>
  );
}
