// The browser's second pass over stored HTML before it is shown (the server's nh3 pass is the
// first): an allowlist of tags, attributes and URL schemes mirroring engines/form/types/rich_text.py.
const TAGS = new Set([
  "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "div", "span", "blockquote", "pre", "code",
  "strong", "b", "em", "i", "u", "s", "strike", "del", "ins", "sub", "sup", "mark", "small",
  "ul", "ol", "li", "a", "img", "figure", "figcaption",
  "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption", "colgroup", "col",
]);
const DROP_WITH_CONTENT = new Set(["script", "style", "iframe", "object", "embed", "template", "noscript", "svg", "math"]);
const ATTRIBUTES: Record<string, Set<string>> = {
  a: new Set(["href", "title", "target"]),
  img: new Set(["src", "alt", "title", "width", "height"]),
  td: new Set(["colspan", "rowspan", "style"]),
  th: new Set(["colspan", "rowspan", "scope", "style"]),
  ol: new Set(["start"]),
  col: new Set(["span"]),
};
const STYLED = new Set(["p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "td", "th", "li", "span"]);
const STYLE_PROPERTIES = new Set([
  "color", "background-color", "text-align", "font-weight", "font-style", "text-decoration",
  "font-size", "line-height", "text-indent", "padding-left", "margin-left",
]);

export function safeUrl(url: string, image = false): boolean {
  const trimmed = url.trim();
  if (trimmed.startsWith("/") && !trimmed.startsWith("//")) return true;
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(trimmed)?.[1]?.toLowerCase();
  if (!scheme) return !/^[\s\\/]/.test(trimmed) && !trimmed.includes(":");
  return image ? scheme === "http" || scheme === "https" : ["http", "https", "mailto", "tel"].includes(scheme);
}

function cleanStyle(style: string): string {
  return style
    .split(";")
    .map((d) => d.trim())
    .filter((d) => {
      const [prop, ...rest] = d.split(":");
      const value = rest.join(":").toLowerCase();
      return STYLE_PROPERTIES.has(prop?.trim().toLowerCase()) && !/url\(|expression|javascript:/.test(value);
    })
    .join("; ");
}

function cleanNode(node: Element, doc: Document): void {
  for (const child of [...node.childNodes]) {
    if (child.nodeType === 8) {
      child.remove(); // comments
      continue;
    }
    if (child.nodeType !== 1) continue;
    const el = child as Element;
    const tag = el.tagName.toLowerCase();
    if (DROP_WITH_CONTENT.has(tag)) {
      el.remove();
      continue;
    }
    cleanNode(el, doc);
    if (!TAGS.has(tag)) {
      el.replaceWith(...[...el.childNodes]);
      continue;
    }
    const allowed = ATTRIBUTES[tag] ?? (STYLED.has(tag) ? new Set(["style"]) : new Set<string>());
    for (const attr of [...el.attributes]) {
      const name = attr.name.toLowerCase();
      if (!allowed.has(name) && !(name === "style" && STYLED.has(tag))) el.removeAttribute(attr.name);
      else if ((name === "href" || name === "src") && !safeUrl(attr.value, name === "src")) el.removeAttribute(attr.name);
      else if (name === "style") el.setAttribute("style", cleanStyle(attr.value));
    }
    if (tag === "a") {
      el.setAttribute("rel", "noopener noreferrer nofollow");
      if (el.getAttribute("target")) el.setAttribute("target", "_blank");
    }
  }
}

/** Stored rich text made safe to insert as HTML; without a DOM (tests) nothing passes. */
export function sanitizeHtml(html: string): string {
  if (typeof DOMParser === "undefined") return "";
  const doc = new DOMParser().parseFromString(`<body>${html}</body>`, "text/html");
  cleanNode(doc.body, doc);
  return doc.body.innerHTML;
}

/** The text of an HTML value, for one-line cells. */
export function htmlToText(html: string): string {
  return html
    .replace(/<(br|\/p|\/div|\/li|\/h[1-6]|\/tr)\b[^>]*>/gi, " ")
    .replace(/<[^>]*>/g, "")
    .replace(/&nbsp;/g, " ")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ")
    .trim();
}
