import { describe, expect, it } from "vitest";
import { applySuggestion, errorSpan, insideString, suggest, tokenize, wordBefore } from "./tokenizer";

describe("formula tokenizer", () => {
  it("tells functions, fields, strings, numbers and operators apart", () => {
    const kinds = tokenize('IF(amount >= 500000, "A", "B")')
      .filter((t) => t.kind !== "space")
      .map((t) => `${t.kind}:${t.text}`);
    expect(kinds).toEqual([
      "func:IF", "punct:(", "ident:amount", "op:>=", "num:500000", "punct:,", 'str:"A"', "punct:,", 'str:"B"', "punct:)",
    ]);
  });

  it("keeps an unclosed string to the end instead of failing", () => {
    const tokens = tokenize('name & "abc');
    expect(tokens.at(-1)).toMatchObject({ kind: "str", text: '"abc' });
  });

  it("reads Chinese field names as words and AND/OR as operators", () => {
    const kinds = tokenize("客户 AND x").map((t) => t.kind);
    expect(kinds).toEqual(["ident", "space", "op", "space", "ident"]);
  });

  it("puts the text back together exactly", () => {
    const text = 'SUM(items.subtotal) * 1.13 <> $user  & "a""b"';
    expect(tokenize(text).map((t) => t.text).join("")).toBe(text);
  });
});

describe("error spans", () => {
  it("underline the token the server points at", () => {
    expect(errorSpan("amount > nope", 9)).toEqual([9, 13]);
  });
  it("mark the last character for an unexpected end", () => {
    expect(errorSpan("amount >", 8)).toEqual([7, 8]);
    expect(errorSpan("amount > ", 9)).toEqual([7, 8]);
  });
});

describe("autocompletion", () => {
  const fields = [
    { key: "amount", label: "Contract amount" },
    { key: "customer", label: "Customer" },
  ];
  const functions = [
    { name: "AND", signature: "AND(a, b, …)" },
    { name: "AVERAGE", signature: "AVERAGE(list)" },
    { name: "IF", signature: "IF(cond, then, else)" },
  ];

  it("finds the word before the caret", () => {
    expect(wordBefore("IF(amo", 6)).toEqual({ start: 3, prefix: "amo" });
    expect(wordBefore("x + ", 4)).toEqual({ start: 4, prefix: "" });
  });

  it("offers fields by key or label before functions", () => {
    const out = suggest("a", fields, functions);
    expect(out.map((s) => s.insert)).toEqual(["amount", "AND(", "AVERAGE("]);
    expect(suggest("cust", fields, functions)[0]).toMatchObject({ kind: "field", insert: "customer" });
    expect(suggest("contract", fields, functions)[0]).toMatchObject({ insert: "amount" });
  });

  it("replaces the typed word with the choice", () => {
    expect(applySuggestion("IF(amo > 1", 3, 6, "amount")).toEqual({ text: "IF(amount > 1", caret: 9 });
  });

  it("does not suggest inside a string", () => {
    expect(insideString('"abc', 4)).toBe(true);
    expect(insideString('"abc" & a', 9)).toBe(false);
  });
});
