// Files: attachments and images uploaded to the file store with progress and preview, and
// handwritten signatures drawn on a canvas and kept as one PNG.
import { FileImageOutlined, PaperClipOutlined, PlusOutlined, HighlightOutlined, UploadOutlined } from "@ant-design/icons";
import { Button, Image, Space, Typography, Upload } from "antd";
import type { UploadFile } from "antd";
import { lazy, Suspense, useRef, useState } from "react";
import { useTranslation } from "react-i18next";
import { uploadFile } from "../../api/files";
import { registerFieldType } from "./index";
import { EMPTY_OPS } from "./operators";
import { EmptyCell, makeFilter, validator } from "./shared";
import type { CellProps, InputProps } from "./types";
import { checkFiles, checkUpload, fileLimits } from "./validation";
import { fileRefs, fileUrl, formatBytes, isImage, opt, type FileRef } from "./values";

const SignaturePad = lazy(() => import("./SignaturePad"));

function FilesInput({ field, value, onChange, disabled, id }: InputProps) {
  const { t } = useTranslation();
  const limits = fileLimits(field);
  const images = field.type === "image";
  const files = fileRefs(value);
  const latest = useRef<FileRef[]>(files);
  latest.current = files;
  const [pending, setPending] = useState<UploadFile[]>([]);
  const [problem, setProblem] = useState<string | null>(null);
  const [preview, setPreview] = useState<string | null>(null);

  const commit = (next: FileRef[]) => {
    latest.current = next;
    onChange(next.length ? next : null);
  };

  const fileList: UploadFile[] = [
    ...files.map((f) => ({
      uid: f.key,
      name: f.name ?? f.key,
      status: "done" as const,
      url: fileUrl(f.key),
      thumbUrl: isImage(f) ? fileUrl(f.key) : undefined,
      size: f.size,
      type: f.content_type,
    })),
    ...pending,
  ];
  const full = files.length + pending.filter((p) => p.status === "uploading").length >= limits.maxFiles;
  const camera = images && opt(field, "camera_only", false);

  return (
    <div>
      <Upload
        id={id}
        listType={images ? "picture-card" : "text"}
        fileList={fileList}
        multiple={limits.maxFiles > 1}
        accept={limits.accept.join(",") || undefined}
        capture={camera ? "environment" : undefined}
        disabled={disabled}
        beforeUpload={(file) => {
          const why = checkUpload(limits, file);
          if (why) {
            setProblem(`${file.name}: ${t(`fields.errors.${why.key}`, why.params)}`);
            return Upload.LIST_IGNORE;
          }
          if (latest.current.length + pending.length >= limits.maxFiles) {
            setProblem(t("fields.errors.tooManyFiles", { max: limits.maxFiles }));
            return Upload.LIST_IGNORE;
          }
          setProblem(null);
          return true;
        }}
        customRequest={({ file, onError, onSuccess }) => {
          const f = file as File & { uid: string };
          const entry: UploadFile = { uid: f.uid, name: f.name, status: "uploading", percent: 0 };
          setPending((p) => [...p, entry]);
          uploadFile(f, f.name, (percent) =>
            setPending((p) => p.map((x) => (x.uid === f.uid ? { ...x, percent } : x))),
          )
            .then((stored) => {
              setPending((p) => p.filter((x) => x.uid !== f.uid));
              commit([...latest.current, stored]);
              onSuccess?.(stored);
            })
            .catch((err: unknown) => {
              setPending((p) => p.map((x) => (x.uid === f.uid ? { ...x, status: "error", percent: 0 } : x)));
              setProblem(`${f.name}: ${err instanceof Error ? err.message : t("fields.files.failed")}`);
              onError?.(err as Error);
            });
        }}
        onRemove={(file) => {
          if (pending.some((p) => p.uid === file.uid)) {
            setPending((p) => p.filter((x) => x.uid !== file.uid));
            return true;
          }
          commit(latest.current.filter((f) => f.key !== file.uid));
          return true;
        }}
        onPreview={(file) => {
          if (file.thumbUrl || (file.type && file.type.startsWith("image/"))) setPreview(file.url ?? null);
          else if (file.url) window.open(file.url, "_blank", "noopener");
        }}
        showUploadList={{ showDownloadIcon: !images, showPreviewIcon: true }}
      >
        {full || disabled ? null : images ? (
          <button type="button" style={{ border: 0, background: "none", cursor: "pointer" }}>
            <PlusOutlined />
            <div style={{ marginTop: 8 }}>{t("fields.files.addImage")}</div>
          </button>
        ) : (
          <Button icon={<UploadOutlined />}>{t("fields.files.add")}</Button>
        )}
      </Upload>
      <Typography.Text type="secondary" style={{ fontSize: 12 }}>
        {t("fields.files.limits", { count: limits.maxFiles, size: formatBytes(limits.maxSize) })}
      </Typography.Text>
      {problem && (
        <div>
          <Typography.Text type="danger" role="alert">
            {problem}
          </Typography.Text>
        </div>
      )}
      {preview && (
        <Image
          style={{ display: "none" }}
          src={preview}
          preview={{ visible: true, src: preview, onVisibleChange: (v) => !v && setPreview(null) }}
        />
      )}
    </div>
  );
}

function FilesCell({ field, value, mode }: CellProps) {
  const { t } = useTranslation();
  const files = fileRefs(value);
  if (!files.length) return <EmptyCell mode={mode} />;
  const pictures = files.filter(isImage);
  if (mode === "compact") {
    return (
      <Space size={4}>
        {pictures[0] && <Image src={fileUrl(pictures[0].key)} width={24} height={24} style={{ objectFit: "cover" }} alt={pictures[0].name ?? ""} />}
        <span>
          {field.type === "image" ? <FileImageOutlined /> : <PaperClipOutlined />} {t("fields.files.count", { count: files.length })}
        </span>
      </Space>
    );
  }
  return (
    <Space orientation="vertical" size={4}>
      {pictures.length > 0 && (
        <Image.PreviewGroup>
          <Space wrap>
            {pictures.map((f) => (
              <Image key={f.key} src={fileUrl(f.key)} width={field.type === "signature" ? 200 : 96} alt={f.name ?? ""} />
            ))}
          </Space>
        </Image.PreviewGroup>
      )}
      {files
        .filter((f) => !isImage(f))
        .map((f) => (
          <a key={f.key} href={fileUrl(f.key)} target="_blank" rel="noopener noreferrer">
            <PaperClipOutlined /> {f.name ?? f.key} <Typography.Text type="secondary">{formatBytes(f.size)}</Typography.Text>
          </a>
        ))}
    </Space>
  );
}

const fileText = (_f: unknown, v: unknown) => fileRefs(v).map((f) => f.name ?? f.key).join(", ");

registerFieldType({
  type: "attachment",
  icon: <PaperClipOutlined />,
  Input: FilesInput,
  Cell: FilesCell,
  operators: [...EMPTY_OPS],
  Filter: makeFilter({ Input: FilesInput }),
  validate: validator(checkFiles),
  text: fileText,
});

registerFieldType({
  type: "image",
  icon: <FileImageOutlined />,
  Input: FilesInput,
  Cell: FilesCell,
  operators: [...EMPTY_OPS],
  Filter: makeFilter({ Input: FilesInput }),
  validate: validator(checkFiles),
  text: fileText,
});

function SignatureInput(props: InputProps) {
  return (
    <Suspense fallback={null}>
      <SignaturePad {...props} />
    </Suspense>
  );
}

registerFieldType({
  type: "signature",
  icon: <HighlightOutlined />,
  Input: SignatureInput,
  Cell: FilesCell,
  operators: [...EMPTY_OPS],
  Filter: makeFilter({ Input: SignatureInput }),
  validate: validator(checkFiles),
  text: fileText,
});
