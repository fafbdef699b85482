// The file store: upload one file (with progress) and get back the reference a file field holds.
import { CSRF_COOKIE, CSRF_HEADER, ApiError, NetworkError, readCookie, toProblem } from "./client";

export interface StoredFile {
  key: string;
  name: string;
  size: number;
  content_type: string;
}

/**
 * POST /api/files as multipart. fetch cannot report upload progress, so this one call uses
 * XMLHttpRequest, with the same CSRF header and problem+json errors as the fetch wrapper.
 */
export function uploadFile(
  file: Blob,
  name: string,
  onProgress?: (percent: number) => void,
  signal?: AbortSignal,
): Promise<StoredFile> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/files");
    xhr.withCredentials = true;
    xhr.setRequestHeader("Accept", "application/json, application/problem+json");
    const token = readCookie(CSRF_COOKIE);
    if (token) xhr.setRequestHeader(CSRF_HEADER, token);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable && onProgress) onProgress(Math.round((event.loaded / event.total) * 100));
    };
    xhr.onload = () => {
      let body: unknown = xhr.responseText;
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        // keep the text
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(body as StoredFile);
      else reject(new ApiError(toProblem(xhr.status, xhr.statusText, body)));
    };
    xhr.onerror = () => reject(new NetworkError(new Error("upload failed")));
    xhr.onabort = () => reject(new DOMException("aborted", "AbortError"));
    signal?.addEventListener("abort", () => xhr.abort());
    const data = new FormData();
    data.append("file", file, name);
    xhr.send(data);
  });
}
