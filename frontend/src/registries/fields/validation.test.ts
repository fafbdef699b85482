import { describe, expect, it } from "vitest";
import type { FieldDef } from "./types";
import {
  accepts,
  checkAddress,
  checkDate,
  checkEmail,
  checkFiles,
  checkIdCard,
  checkLocation,
  checkNumber,
  checkPhone,
  checkRating,
  checkRows,
  checkText,
  checkUpload,
  codeDepth,
  fileLimits,
  idCardCheckCharacter,
  normalisePhone,
  normaliseUrl,
} from "./validation";

const field = (type: string, options: Record<string, unknown> = {}, extra: Partial<FieldDef> = {}): FieldDef => ({
  key: "f",
  type,
  label: { en: "F" },
  options,
  ...extra,
});

describe("text", () => {
  it("refuses line breaks in single-line text but not in a textarea", () => {
    expect(checkText(field("text"), "a\nb", false)?.key).toBe("singleLine");
    expect(checkText(field("textarea"), "a\nb", true)).toBeNull();
  });
  it("counts characters, not UTF-16 units, against the bounds", () => {
    expect(checkText(field("text", { max_length: 2 }), "\u4e03\u5de7", false)).toBeNull();
    expect(checkText(field("text", { max_length: 2 }), "abc", false)).toEqual({ key: "tooLong", params: { max: 2 } });
    expect(checkText(field("text", { min_length: 3 }), "ab", false)?.key).toBe("tooShort");
  });
  it("matches the builder's pattern against the whole value", () => {
    const f = field("text", { pattern: "[A-Z]{2}-\\d{3}" });
    expect(checkText(f, "AB-123", false)).toBeNull();
    expect(checkText(f, "xAB-123", false)?.key).toBe("pattern");
  });
  it("leaves a pattern JavaScript cannot read to the server", () => {
    expect(checkText(field("text", { pattern: "(?P<x>a)" }), "b", false)).toBeNull();
  });
});

describe("numbers", () => {
  it("keeps bounds as the server does, decimals included", () => {
    const f = field("money", { min: "0", max: "100.5" });
    expect(checkNumber(f, "100.5")).toBeNull();
    expect(checkNumber(f, "100.51")).toEqual({ key: "tooLarge", params: { max: 100.5 } });
    expect(checkNumber(f, "-1")?.key).toBe("tooSmall");
    expect(checkNumber(f, "abc")?.key).toBe("notNumber");
  });
  it("gives 1 to max stars", () => {
    expect(checkRating(field("rating", { max: 3 }), 3)).toBeNull();
    expect(checkRating(field("rating", { max: 3 }), 4)?.key).toBe("stars");
    expect(checkRating(field("rating"), 0)?.key).toBe("stars");
  });
});

describe("dates", () => {
  it("keeps the field's bounds", () => {
    const f = field("date", { min: "2024-01-01", max: "2024-12-31" });
    expect(checkDate(f, "2024-06-01")).toBeNull();
    expect(checkDate(f, "2023-12-31")?.key).toBe("tooEarly");
    expect(checkDate(f, "2025-01-01")?.key).toBe("tooLate");
  });
});

describe("phones, as engines/form/types/contact.py normalises them", () => {
  it.each([
    ["138 1234 5678", ["mobile", "13812345678"]],
    ["+86 138-1234-5678", ["mobile", "13812345678"]],
    ["010-12345678", ["landline", "010-12345678"]],
    ["(0755) 8888 9999 \u8f6c 123", ["landline", "0755-88889999-123"]],
    ["010-12345678-123", ["landline", "010-12345678-123"]],
    ["+44 7911 123456", ["international", "+447911123456"]],
    ["12345", null],
    ["138123456789", null],
  ])("%s", (input, expected) => {
    expect(normalisePhone(input)).toEqual(expected);
  });
  it("refuses kinds the field does not take", () => {
    expect(checkPhone(field("phone", { kinds: ["mobile"] }), "010-12345678")?.key).toBe("phoneKind.landline");
    expect(checkPhone(field("phone", { kinds: ["mobile"] }), "13812345678")).toBeNull();
  });
});

describe("e-mail and links", () => {
  it("takes plain addresses and the field's domains only", () => {
    expect(checkEmail(field("email"), "li.lei@example.com")).toBeNull();
    expect(checkEmail(field("email"), "li..lei@example.com")?.key).toBe("notEmail");
    expect(checkEmail(field("email"), "not an address")?.key).toBe("notEmail");
    expect(checkEmail(field("email", { domains: ["corp.cn"] }), "a@example.com")?.key).toBe("emailDomain");
    expect(checkEmail(field("email", { domains: ["corp.cn"] }), "a@Corp.cn")).toBeNull();
  });
  it("accepts http(s) and bare hosts, refuses other schemes and credentials", () => {
    expect(normaliseUrl("www.example.com")).toBe("https://www.example.com/");
    expect(normaliseUrl("HTTP://Example.com/a?b=1")).toBe("http://example.com/a?b=1");
    expect(normaliseUrl("javascript:alert(1)")).toBeNull();
    expect(normaliseUrl("data:text/html,x")).toBeNull();
    expect(normaliseUrl("https://user:pw@example.com")).toBeNull();
    expect(normaliseUrl("https://exa mple.com")).toBeNull();
  });
});

describe("ID card numbers", () => {
  const valid = "11010519491231002X";
  it("computes the ISO 7064 check character", () => {
    expect(idCardCheckCharacter(valid.slice(0, 17))).toBe("X");
  });
  it("checks shape, region, birth date and check digit", () => {
    expect(checkIdCard(valid)).toBeNull();
    expect(checkIdCard(valid.toLowerCase())).toBeNull();
    expect(checkIdCard("1101051949123100")?.key).toBe("idCardShape");
    expect(checkIdCard("99010519491231002X")?.key).toBe("idCardRegion");
    expect(checkIdCard("110105194902300021")?.key).toBe("idCardBirth");
    expect(checkIdCard("110105194912310021")?.key).toBe("idCardCheck");
  });
});

describe("files", () => {
  it("reads accept like HTML", () => {
    expect(accepts([".pdf", "image/*"], "a.PDF", undefined)).toBe(true);
    expect(accepts([".pdf", "image/*"], "a.png", "image/png")).toBe(true);
    expect(accepts([".pdf"], "a.doc", "application/msword")).toBe(false);
    expect(accepts([], "anything", undefined)).toBe(true);
  });
  it("limits a signature to one PNG of 2 MiB", () => {
    expect(fileLimits(field("signature"))).toEqual({ maxFiles: 1, maxSize: 2 * 1024 * 1024, accept: ["image/png"] });
  });
  it("refuses too many, too large or the wrong type", () => {
    const f = field("attachment", { max_files: 1, max_size: 1000, accept: [".pdf"] });
    const key = "k".repeat(32);
    expect(checkFiles(f, [{ key, name: "a.pdf", size: 10 }, { key: key + "2", name: "b.pdf" }])?.key).toBe("tooManyFiles");
    expect(checkFiles(f, [{ key, name: "a.pdf", size: 2000 }])?.key).toBe("fileTooLarge");
    expect(checkUpload(fileLimits(f), { name: "a.exe", size: 1, type: "application/x-msdownload" })?.key).toBe("fileType");
    expect(checkUpload(fileLimits(f), { name: "a.pdf", size: 1, type: "application/pdf" })).toBeNull();
  });
});

describe("places and rows", () => {
  it("needs a point within range", () => {
    expect(checkLocation({ lat: 31.2, lng: 121.5 })).toBeNull();
    expect(checkLocation({ lat: 91, lng: 0 })?.key).toBe("latRange");
    expect(checkLocation({ lat: 1 })?.key).toBe("notLocation");
  });
  it("needs an address chosen down to the field's level", () => {
    expect(codeDepth("440305")).toBe(3);
    expect(codeDepth("440300")).toBe(2);
    expect(codeDepth("4403")).toBe(2);
    expect(codeDepth("440305007")).toBe(4);
    expect(checkAddress(field("address", { level: "district" }), { code: "4403", city: "x" })?.key).toBe("addressLevel");
    expect(checkAddress(field("address", { level: "district" }), { code: "440305" })).toBeNull();
  });
  it("keeps a subform's row bounds", () => {
    expect(checkRows(field("subform", { min_rows: 1 }), [])?.key).toBe("tooFewRows");
    expect(checkRows(field("subform", { max_rows: 1 }), [{}, {}])?.key).toBe("tooManyRows");
    expect(checkRows(field("subform"), [{}])).toBeNull();
  });
});
