// A forgiving tokenizer for the formula editor: it colours text while it is being typed, so
// unlike the server's parser it never refuses anything (an unclosed string runs to the end).
// It also finds the word being typed for autocompletion and the span an error points at.

export type TokenKind = "num" | "str" | "ident" | "func" | "var" | "op" | "punct" | "space" | "other";

export interface Token {
  kind: TokenKind;
  start: number;
  end: number;
  text: string;
}

const WORD = /[\p{L}\p{N}_]/u;
const WORD_START = /[\p{L}_$]/u;
const TWO_CHAR_OPS = new Set(["<=", ">=", "<>", "!=", "=="]);
const ONE_CHAR_OPS = new Set("+-*/%^&=<>");
const PUNCT = new Set("(),.[]");
const KEYWORDS = new Set(["AND", "OR", "NOT", "IN", "TRUE", "FALSE", "NULL"]);

export function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  const push = (kind: TokenKind, end: number) => {
    tokens.push({ kind, start: i, end, text: text.slice(i, end) });
    i = end;
  };
  while (i < text.length) {
    const ch = text[i];
    if (/\s/.test(ch)) {
      let j = i + 1;
      while (j < text.length && /\s/.test(text[j])) j++;
      push("space", j);
    } else if (/[0-9]/.test(ch)) {
      let j = i + 1;
      while (j < text.length && /[0-9.]/.test(text[j])) j++;
      push("num", j);
    } else if (ch === '"') {
      let j = i + 1;
      while (j < text.length) {
        if (text[j] === '"') {
          if (text[j + 1] === '"') {
            j += 2;
            continue;
          }
          j++;
          break;
        }
        j++;
      }
      push("str", Math.min(j, text.length));
    } else if (WORD_START.test(ch)) {
      let j = i + 1;
      while (j < text.length && WORD.test(text[j])) j++;
      let k = j;
      while (k < text.length && text[k] === " ") k++;
      const word = text.slice(i, j);
      const kind: TokenKind =
        ch === "$" ? "var" : text[k] === "(" ? "func" : KEYWORDS.has(word.toUpperCase()) ? "op" : "ident";
      push(kind, j);
    } else if (TWO_CHAR_OPS.has(text.slice(i, i + 2))) {
      push("op", i + 2);
    } else if (ONE_CHAR_OPS.has(ch)) {
      push("op", i + 1);
    } else if (PUNCT.has(ch)) {
      push("punct", i + 1);
    } else {
      push("other", i + 1);
    }
  }
  return tokens;
}

/** The characters an error at `offset` should underline: the token there, at least one character. */
export function errorSpan(text: string, offset: number): [number, number] {
  if (!text.length) return [0, 0];
  const at = Math.max(0, Math.min(offset, text.length));
  const token = tokenize(text).find((t) => t.kind !== "space" && t.start <= at && at < t.end);
  if (token) return [token.start, token.end];
  // past the end or on a space (an unexpected end, a missing operand): mark the last visible character
  let end = Math.min(at + 1, text.length);
  let start = end - 1;
  while (start > 0 && /\s/.test(text[start])) {
    start--;
    end = start + 1;
  }
  return [start, end];
}

/** The word being typed just before the caret (what autocompletion replaces). */
export function wordBefore(text: string, caret: number): { start: number; prefix: string } {
  let start = caret;
  while (start > 0 && WORD.test(text[start - 1])) start--;
  if (start > 0 && text[start - 1] === "$") start--;
  return { start, prefix: text.slice(start, caret) };
}

/** True when the caret sits inside a string literal, where nothing should be suggested. */
export function insideString(text: string, caret: number): boolean {
  return tokenize(text.slice(0, caret)).some((t) => t.kind === "str" && t.end === caret && !/^".*"$/s.test(t.text));
}

export interface Suggestion {
  kind: "field" | "function";
  /** what is inserted */
  insert: string;
  /** what the list shows */
  label: string;
  detail?: string;
}

export interface FieldOption {
  key: string;
  label: string;
}

export interface FunctionOption {
  name: string;
  signature: string;
}

/** Fields (by key or label) and functions (by name) matching the typed prefix, best first. */
export function suggest(prefix: string, fields: FieldOption[], functions: FunctionOption[], limit = 12): Suggestion[] {
  if (!prefix) return [];
  const p = prefix.toLowerCase();
  const scored: { s: Suggestion; score: number }[] = [];
  for (const f of fields) {
    const key = f.key.toLowerCase();
    const label = f.label.toLowerCase();
    const score = key.startsWith(p) ? 0 : label.startsWith(p) ? 1 : key.includes(p) || label.includes(p) ? 3 : -1;
    if (score >= 0) scored.push({ s: { kind: "field", insert: f.key, label: f.label, detail: f.key }, score });
  }
  for (const fn of functions) {
    const name = fn.name.toLowerCase();
    const score = name.startsWith(p) ? 2 : name.includes(p) ? 4 : -1;
    if (score >= 0) scored.push({ s: { kind: "function", insert: `${fn.name}(`, label: fn.name, detail: fn.signature }, score });
  }
  scored.sort((a, b) => a.score - b.score || a.s.label.length - b.s.label.length);
  return scored.slice(0, limit).map((x) => x.s);
}

/** `text` with `[start, end)` replaced by `insert`, and where the caret lands after it. */
export function applySuggestion(text: string, start: number, end: number, insert: string): { text: string; caret: number } {
  const next = text.slice(0, start) + insert + text.slice(end);
  return { text: next, caret: start + insert.length };
}
