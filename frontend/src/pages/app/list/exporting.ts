// Starts a download the way a link would: the browser saves the server's attachment.
export function download(url: string): void {
  const a = document.createElement("a");
  a.href = url;
  a.rel = "noopener";
  a.download = "";
  document.body.appendChild(a);
  a.click();
  a.remove();
}
