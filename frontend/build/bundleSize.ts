// Prints what a first visit downloads (gzipped): index.html, the entry chunk, every chunk
// it imports statically and their CSS. Lazy route chunks are listed apart, because the
// initial-load figure is the one we keep small as the app grows.
import { gzipSync } from "node:zlib";
import type { OutputChunk } from "rolldown";
import type { Plugin } from "vite";

interface Item {
  fileName: string;
  bytes: number;
  gzip: number;
}

function measure(fileName: string, source: string | Uint8Array): Item {
  const buf = typeof source === "string" ? Buffer.from(source) : Buffer.from(source);
  return { fileName, bytes: buf.length, gzip: gzipSync(buf, { level: 9 }).length };
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;

export function bundleSizeReport(): Plugin {
  return {
    name: "qiqiao-bundle-size",
    apply: "build",
    enforce: "post",
    generateBundle(_options, bundle) {
      const sizes = new Map<string, Item>();
      for (const [fileName, out] of Object.entries(bundle)) {
        sizes.set(fileName, measure(fileName, out.type === "chunk" ? out.code : out.source));
      }

      // Everything a chunk pulls in statically, itself and its CSS included.
      const closure = (start: string, into = new Set<string>()) => {
        const visit = (fileName: string) => {
          if (into.has(fileName)) return;
          const out = bundle[fileName];
          if (!out) return;
          into.add(fileName);
          if (out.type !== "chunk") return;
          for (const css of out.viteMetadata?.importedCss ?? []) visit(css);
          for (const dep of out.imports) visit(dep);
        };
        visit(start);
        return into;
      };

      const initial = new Set<string>(["index.html"]);
      for (const out of Object.values(bundle)) {
        if (out.type === "chunk" && out.isEntry) closure(out.fileName, initial);
      }
      const gzipOf = (files: Iterable<string>) => [...files].reduce((n, f) => n + (sizes.get(f)?.gzip ?? 0), 0);

      // What opening one page adds on top of the initial load (a page is a lazy route chunk).
      const pages = Object.values(bundle)
        .filter((o): o is OutputChunk => o.type === "chunk" && o.isDynamicEntry && /(Page|Shell)$/.test(o.name))
        .map((o) => {
          const extra = [...closure(o.fileName)].filter((f) => !initial.has(f));
          return { name: o.name, gzip: gzipOf(extra) };
        })
        .sort((a, b) => a.name.localeCompare(b.name));

      const initialItems = [...initial].map((f) => sizes.get(f)).filter((i): i is Item => !!i);
      const lazyItems = [...sizes.values()].filter(
        (i) => !initial.has(i.fileName) && /\.(js|css)$/.test(i.fileName),
      );
      const sum = (items: Item[], key: "bytes" | "gzip") => items.reduce((n, i) => n + i[key], 0);

      const lines = [
        "",
        "Qiqiao bundle size",
        `  initial load: ${kb(sum(initialItems, "gzip"))} gzip (${kb(sum(initialItems, "bytes"))} raw) in ${initialItems.length} files`,
        ...initialItems
          .sort((a, b) => b.gzip - a.gzip)
          .map((i) => `    ${i.fileName.padEnd(48)} ${kb(i.gzip).padStart(10)} gzip`),
        "  each page adds (gzip, before any shared chunk is cached):",
        ...pages.map((p) => `    ${p.name.padEnd(48)} ${kb(p.gzip).padStart(10)}`),
        `  lazy chunks:  ${kb(sum(lazyItems, "gzip"))} gzip in ${lazyItems.length} files (largest: ${
          lazyItems
            .sort((a, b) => b.gzip - a.gzip)
            .slice(0, 3)
            .map((i) => `${i.fileName} ${kb(i.gzip)}`)
            .join(", ") || "none"
        })`,
        "",
      ];
      console.log(lines.join("\n"));
    },
  };
}
