"""Reading uploaded spreadsheets without trusting them (SECURITY.md item 17).

An upload is checked before any parser sees it: an .xlsx must be a plain zip whose declared
and actual sizes agree, within size and ratio limits, with no DTD in any part, no macros and no
encryption, and whose cells cannot span a grid larger than the limits (calamine allocates the
whole grid at once, so a two-cell file reaching XFD1048576 would otherwise take the process
down). Only then does calamine read it; formulas are never evaluated, a formula cell gives its
cached value. CSV is decoded as UTF-8 (with or without BOM), else GB18030.

The rows are written once, normalised, to a private file under a random name; every later step
reads that file and the original upload is deleted.
"""

from __future__ import annotations

import codecs
import csv
import pickle
import re
import struct
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO, Iterator

import defusedxml.ElementTree as safe_xml

from core.errors import AppError

MAX_ROWS = 1_000_000
MAX_COLUMNS = 1_000  # Excel allows 16 384; a form holds at most 300 fields
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell
MAX_CELLS = 20_000_000  # rows × columns of the grid calamine allocates
MAX_UNCOMPRESSED = 1 << 30
MAX_RATIO = 200  # an ordinary sheet compresses 5-20×; zip bombs 1 000×
MAX_MEMBERS = 10_000
MAX_META_BYTES = 4 << 20  # content types, workbook and relationship parts
PREVIEW_ROWS = 20
CHUNK_ROWS = 1_000
_READ = 4 << 20

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ENCRYPTION_STREAM = "EncryptionInfo".encode("utf-16-le")
MAIN_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
}
MACRO_TYPES = {
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
NS_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
OFFICE_DOCUMENT = NS_REL + "/officeDocument"
DANGEROUS_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


class SheetError(AppError):
    """A file we refuse to read, with the reason in both languages and where it lies."""

    def __init__(self, code: str, en: str, zh: str, path: str = "file", status: int = 422) -> None:
        super().__init__(code, status, en, errors=[{"path": path, "message": en, "message_zh": zh, "code": code}],
                         title="Unreadable spreadsheet" if status == 422 else "Payload too large")


@dataclass
class SheetInfo:
    file_format: str  # xlsx | csv
    columns: list[str]
    row_count: int
    preview: list[list[Any]] = field(default_factory=list)
    encoding: str | None = None
    sheet: str | None = None


# -- entry points ---------------------------------------------------------------------------------


def ingest(source: Path, rows_file: Path, filename: str | None) -> SheetInfo:
    """Check `source`, read it, and write its data rows to `rows_file`. Raises SheetError."""
    kind = detect_format(source, filename)
    if kind == "xlsx":
        sheet_name = check_xlsx(source)
        rows, col_offset = _xlsx_rows(source, sheet_name)
        info = SheetInfo("xlsx", [], 0, sheet=sheet_name)
    else:
        encoding = detect_encoding(source)
        rows, col_offset = _csv_rows(source, encoding), 0
        info = SheetInfo("csv", [], 0, encoding=encoding)
    _normalise(rows, rows_file, info, col_offset, strip_quote=kind == "csv")
    return info


def read_rows(rows_file: Path) -> Iterator[list[tuple[int, list[Any]]]]:
    """Chunks of (spreadsheet row number, cells) as `ingest` wrote them."""
    with open(rows_file, "rb") as fh:
        unpickler = _RowsUnpickler(fh)
        while True:
            try:
                yield unpickler.load()
            except EOFError:
                return


def column_letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def json_cell(value: Any) -> Any:
    if isinstance(value, (datetime, date, time)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return str(value)
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return int(value)
    return value


# -- format and encoding --------------------------------------------------------------------------


def detect_format(path: Path, filename: str | None) -> str:
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        raise SheetError("empty_file", "The file is empty.", "文件为空。")
    suffix = (filename or "").lower().rsplit(".", 1)[-1] if filename and "." in filename else ""
    if head.startswith(OLE_MAGIC):
        if _is_encrypted_ole(path):
            raise SheetError("encrypted", "The workbook is password-protected: remove the password in Excel and upload it again.",
                             "工作簿设置了密码：请在 Excel 中取消密码后重新上传。")
        raise SheetError("legacy_xls", "Old .xls workbooks are not read: save the file as .xlsx in Excel and upload it again.",
                         "不支持旧版 .xls 文件：请在 Excel 中另存为 .xlsx 后重新上传。")
    if head.startswith(b"PK\x03\x04"):
        if suffix == "csv":
            raise SheetError("not_csv", "The file is named .csv but is a zip archive (an .xlsx?).",
                             "文件名为 .csv，但内容是压缩包（可能是 .xlsx）。")
        return "xlsx"
    if suffix in ("xlsx", "xlsm", "xltx"):
        raise SheetError("not_xlsx", "The file is named .xlsx but is not an Excel workbook (it is not a zip archive).",
                         "文件名为 .xlsx，但不是有效的 Excel 工作簿（不是 zip 格式）。")
    if suffix and suffix not in ("csv", "txt", "tsv"):
        raise SheetError("unsupported_file", "Upload an .xlsx workbook or a .csv file.", "请上传 .xlsx 工作簿或 .csv 文件。")
    return "csv"


def _is_encrypted_ole(path: Path) -> bool:
    with open(path, "rb") as fh:
        data = fh.read(MAX_META_BYTES)
    return ENCRYPTION_STREAM in data or "EncryptedPackage".encode("utf-16-le") in data


def detect_encoding(path: Path) -> str:
    """utf-8-sig, utf-8 or gb18030, whichever decodes the whole file; refuses binary content."""
    with open(path, "rb") as fh:
        head = fh.read(8192)
    if b"\x00" in head:
        raise SheetError("not_text", "The file is neither an .xlsx workbook nor a CSV text file.",
                         "文件既不是 .xlsx 工作簿，也不是 CSV 文本文件。")
    candidates = ["utf-8-sig"] if head.startswith(codecs.BOM_UTF8) else ["utf-8", "gb18030"]
    for encoding in candidates:
        decoder = codecs.getincrementaldecoder(encoding)("strict")
        try:
            with open(path, "rb") as fh:
                while chunk := fh.read(_READ):
                    if b"\x00" in chunk:
                        raise SheetError("not_text", "The CSV file contains NUL bytes: it is not a text file.",
                                         "CSV 文件包含空字节，不是文本文件。")
                    decoder.decode(chunk)
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise SheetError("bad_encoding", "The CSV file is neither UTF-8 nor GB18030 text: save it as 'CSV UTF-8' and upload again.",
                     "CSV 文件既不是 UTF-8 也不是 GB18030 编码：请另存为“CSV UTF-8”后重新上传。")


# -- xlsx checks ----------------------------------------------------------------------------------


@dataclass
class _Member:
    name: str
    method: int
    flags: int
    compressed: int
    size: int
    offset: int


def _members(path: Path) -> list[_Member]:
    import zipfile

    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as exc:
        raise SheetError("not_xlsx", f"The file is not a valid .xlsx workbook ({type(exc).__name__}).",
                         "文件不是有效的 .xlsx 工作簿。") from None
    if len(infos) > MAX_MEMBERS:
        raise SheetError("zip_bomb", "The workbook has too many parts.", "工作簿包含的部件过多。")
    return [_Member(i.filename, i.compress_type, i.flag_bits, i.compress_size, i.file_size, i.header_offset) for i in infos]


def check_xlsx(path: Path) -> str:
    """Refuses anything hostile; returns the name of the first worksheet to read."""
    members = {m.name: m for m in _members(path)}
    if sum(m.size for m in members.values()) > MAX_UNCOMPRESSED:
        raise SheetError("zip_bomb", f"The workbook unpacks to more than {MAX_UNCOMPRESSED >> 20} MiB.",
                         f"工作簿解压后超过 {MAX_UNCOMPRESSED >> 20} MiB。")
    for m in members.values():
        if m.flags & 0x1:
            raise SheetError("encrypted", "The workbook is encrypted: remove the password in Excel and upload it again.",
                             "工作簿已加密：请在 Excel 中取消密码后重新上传。")
        if m.size > (1 << 20) and m.size > MAX_RATIO * max(m.compressed, 1):
            raise SheetError("zip_bomb", "The workbook is compressed suspiciously well (a zip bomb?).",
                             "工作簿压缩比异常（疑似压缩炸弹）。")
        if m.method not in (0, 8):
            raise SheetError("not_xlsx", "The workbook uses an unsupported compression method.", "工作簿使用了不支持的压缩方式。")
        if PurePosixPath(m.name).name.lower() == "vbaproject.bin":
            raise SheetError("macros", "Workbooks with macros are not accepted: save it as a plain .xlsx workbook.",
                             "不接受含宏的工作簿：请另存为普通 .xlsx 工作簿。")
    if "[Content_Types].xml" not in members:
        raise SheetError("not_xlsx", "The file is a zip archive but not an Excel workbook.", "文件是压缩包，但不是 Excel 工作簿。")
    with open(path, "rb") as fh:
        for m in members.values():
            _inflate_checked(fh, m)  # sizes honest, no DTD anywhere
        workbook = _workbook_part(fh, members)
        name, part = _first_sheet(fh, members, workbook)
        sheet = members.get(part)
        if sheet is None:
            raise SheetError("not_xlsx", "The workbook's first sheet is missing.", "工作簿缺少第一个工作表。")
        extent = _Extent()
        _inflate_checked(fh, sheet, extent)
        if extent.problem() is not None:  # coarse bound exceeded: measure exactly before refusing
            extent = _Extent(exact=True)
            _inflate_checked(fh, sheet, extent)
            if (problem := extent.problem()) is not None:
                raise problem
    return name


def _inflate_checked(fh: BinaryIO, m: _Member, extent: "_Extent | None" = None) -> bytes | None:
    """Inflates one part, counting bytes (headers may lie) and refusing any DTD; with `extent`
    feeds the XML to it, otherwise returns the bytes of small parts."""
    fh.seek(m.offset)
    header = fh.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise SheetError("not_xlsx", "The workbook's zip structure is damaged.", "工作簿的 zip 结构已损坏。")
    name_length, extra_length = struct.unpack("<HH", header[26:30])
    fh.seek(m.offset + 30 + name_length + extra_length)
    inflater = zlib.decompressobj(-15) if m.method == 8 else None
    remaining, produced, tail = m.compressed, 0, b""
    keep = bytearray() if extent is None and m.size <= MAX_META_BYTES else None
    while remaining > 0 or (inflater is not None and inflater.unconsumed_tail):
        if inflater is not None and inflater.unconsumed_tail:
            data = inflater.decompress(inflater.unconsumed_tail, _READ)
        else:
            raw = fh.read(min(remaining, _READ))
            if not raw:
                break
            remaining -= len(raw)
            data = raw if inflater is None else inflater.decompress(raw, _READ)
        produced += len(data)
        if produced > m.size:
            raise SheetError("zip_bomb", "A part of the workbook unpacks to more than its declared size.",
                             "工作簿中有部件解压后超过其声明的大小。")
        window = tail + data
        if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
            raise SheetError("xml_entities", "The workbook contains an XML document type declaration (entity expansion?); "
                             "it is refused.", "工作簿包含 XML 文档类型声明（疑似实体扩展攻击），已拒绝。")
        tail = data[-16:]
        if extent is not None:
            extent.feed(data)
        elif keep is not None:
            keep += data
    if inflater is not None:
        produced += len(inflater.flush())
    if produced != m.size:
        raise SheetError("not_xlsx", "A part of the workbook is truncated or damaged.", "工作簿中有部件被截断或已损坏。")
    if extent is not None:
        extent.feed(b"", final=True)
    return bytes(keep) if keep is not None else None


def _xml(fh: BinaryIO, m: _Member | None):
    if m is None or m.size > MAX_META_BYTES:
        raise SheetError("not_xlsx", "The workbook is missing a part or a part is too large.", "工作簿缺少部件或部件过大。")
    data = _inflate_checked(fh, m)
    try:
        return safe_xml.fromstring(data, forbid_dtd=True)
    except Exception:
        raise SheetError("not_xlsx", "The workbook contains malformed XML.", "工作簿包含格式错误的 XML。") from None


def _workbook_part(fh: BinaryIO, members: dict[str, _Member]) -> str:
    types = _xml(fh, members["[Content_Types].xml"])
    workbook = None
    for element in types:
        content_type = element.get("ContentType", "")
        if content_type in MACRO_TYPES:
            raise SheetError("macros", "Workbooks with macros are not accepted: save it as a plain .xlsx workbook.",
                             "不接受含宏的工作簿：请另存为普通 .xlsx 工作簿。")
        if content_type in MAIN_TYPES and element.get("PartName"):
            workbook = element.get("PartName", "").lstrip("/")
    if workbook is None:
        raise SheetError("not_xlsx", "The file is an Office document but not an Excel workbook.",
                         "文件是 Office 文档，但不是 Excel 工作簿。")
    return workbook


def _first_sheet(fh: BinaryIO, members: dict[str, _Member], workbook: str) -> tuple[str, str]:
    root = _xml(fh, members.get(workbook))
    sheets = [e for e in root.iter() if e.tag.endswith("}sheet") or e.tag == "sheet"]
    visible = [s for s in sheets if s.get("state", "visible") == "visible"] or sheets
    if not visible:
        raise SheetError("empty_file", "The workbook has no worksheet.", "工作簿中没有工作表。")
    first = visible[0]
    rel_id = first.get(f"{{{NS_REL}}}id")
    folder = PurePosixPath(workbook).parent
    rels = _xml(fh, members.get(str(folder / "_rels" / (PurePosixPath(workbook).name + ".rels"))))
    for rel in rels:
        if rel.get("Id") == rel_id:
            target = rel.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else _normalise_part(folder / target)
            return first.get("name", "Sheet1"), part
    raise SheetError("not_xlsx", "The workbook's first sheet cannot be found.", "找不到工作簿的第一个工作表。")


def _normalise_part(path: PurePosixPath) -> str:
    parts: list[str] = []
    for piece in path.parts:
        if piece == "..":
            if parts:
                parts.pop()
        elif piece not in (".", ""):
            parts.append(piece)
    return "/".join(parts)


_PREFIXED = re.compile(rb'<[A-Za-z_][\w.-]*:(?:c|row)[\s/>]')
_ROW_R = re.compile(rb'<row r="(\d{1,10})"')
_ROW_R_ANY = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?row\s[^>]*?\br="(\d{1,10})"')
_CELL_ROW = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c r="[A-Z]{1,4}(\d{1,10})"')
_CELL_COL = {n: re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?c r="([A-Z]{%d})\d' % n) for n in (1, 2, 3, 4)}
_LAST_REF = re.compile(rb'<c r="([A-Z]{1,4})(\d{1,10})"')
_IMPLICIT = rb'<(?:row|c)(?:>|/>|\s(?!r="))'  # a row or cell without a reference
_PATTERNS: dict[bytes, re.Pattern[bytes]] = {}


def _found(pattern: bytes, data: bytes) -> bool:
    compiled = _PATTERNS.get(pattern)
    if compiled is None:
        compiled = _PATTERNS[pattern] = re.compile(pattern)
    return compiled.search(data) is not None


_TAG = re.compile(rb'<(?:[A-Za-z_][\w.-]*:)?(row|c)(?=[\s/>])([^>]*)>')
_R_ATTR = re.compile(rb'\sr="([A-Z]{0,4})(\d{0,10})"')


def _column_number(letters: bytes) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + (ch - 64)
    return number


class _Extent:
    """An upper bound of the grid a worksheet spans, read from its XML at C speed.

    Cells written with `r="B7"` give their position; cells and rows without it follow the
    previous one. The first pass only learns how many digits and letters the references have
    (a coarse bound, enough for ordinary sheets); a sheet that fails the coarse bound is read
    again exactly before it is refused. Namespace-prefixed tags (`<x:c>`) take the exact walk.
    """

    def __init__(self, exact: bool = False) -> None:
        self.exact = exact
        self.carry = b""
        self.rows = self.row_refs = 0  # counted by the exact walk only
        self.max_row = 0  # exact, from row and (in exact mode) cell references
        self.row_digits = 0  # coarse mode: most digits in any cell reference's row …
        self.row_lead = 0  # … and the largest leading digit among those
        self.col_letters = 0  # most letters in any cell reference's column …
        self.col_lead = 0  # … and the largest first letter among those (1 = A)
        self.max_col = 0
        self.run = 0
        self.widest_run = 0

    def feed(self, data: bytes, final: bool = False) -> None:
        buffer = self.carry + data
        self.carry = b""
        if not final:
            cut = buffer.rfind(b"<")
            if cut >= 0 and len(buffer) - cut < 65536:
                buffer, self.carry = buffer[:cut], buffer[cut:]
        if buffer:
            self._scan(buffer)

    def _scan(self, b: bytes) -> None:
        if (b":c " in b or b":c>" in b or b":row" in b) and _PREFIXED.search(b):
            self._walk(b)
            return
        self.max_row = max(self.max_row, max(map(int, set(_ROW_R.findall(b))), default=0))
        if self.exact:
            if _found(_IMPLICIT, b):
                self._walk(b)  # some rows or cells without `r`: count them one by one
                return
            self.max_row = max(self.max_row, max(map(int, set(_CELL_ROW.findall(b))), default=0))
            for width in (4, 3, 2, 1):
                if _found(rb'<c r="[A-Z]{%d}\d' % width, b):
                    self.max_col = max(self.max_col, max(map(_column_number, set(_CELL_COL[width].findall(b)))))
                    break
            return
        last = _LAST_REF.match(b, max(b.rfind(b'<c r="'), 0))
        if last:  # in an ordinary sheet the chunk's last cell reaches as far as any: start from it
            self._raise_to(last[1], last[2])
        # One scan for a reference beyond those bounds, or a row or cell without `r`; usually none.
        if not _found(self._beyond(), b):
            return
        if _found(_IMPLICIT, b):
            self._walk(b)
            return
        while self.row_digits < 11 and _found(rb'<c r="[A-Z]{1,4}\d{%d}' % (self.row_digits + 1), b):
            self.row_digits, self.row_lead = self.row_digits + 1, 1
        while self.row_lead < 9 and _found(rb'<c r="[A-Z]{1,4}[%d-9]\d{%d}"' % (self.row_lead + 1, self.row_digits - 1), b):
            self.row_lead += 1
        while self.col_letters < 4 and _found(rb'<c r="[A-Z]{%d}\d' % (self.col_letters + 1), b):
            self.col_letters, self.col_lead = self.col_letters + 1, 1
        while self.col_lead < 26 and _found(rb'<c r="[%c-Z][A-Z]{%d}\d' % (64 + self.col_lead + 1, self.col_letters - 1), b):
            self.col_lead += 1

    def _raise_to(self, letters: bytes, digits: bytes) -> None:
        digits = digits.lstrip(b"0") or b"0"
        if (len(digits), digits[0] - 48) > (self.row_digits, self.row_lead):
            self.row_digits, self.row_lead = len(digits), digits[0] - 48
        if (len(letters), letters[0] - 64) > (self.col_letters, self.col_lead):
            self.col_letters, self.col_lead = len(letters), letters[0] - 64

    def _beyond(self) -> bytes:
        refs = [rb"[A-Z]{1,4}\d{%d}" % (self.row_digits + 1), rb"[A-Z]{%d}\d" % (self.col_letters + 1)]
        if self.row_digits and self.row_lead < 9:
            refs.append(rb'[A-Z]{1,4}[%d-9]\d{%d}"' % (self.row_lead + 1, self.row_digits - 1))
        if self.col_letters and self.col_lead < 26:
            refs.append(rb"[%c-Z][A-Z]{%d}\d" % (64 + self.col_lead + 1, self.col_letters - 1))
        return rb'<(?:row(?:>|/>|\s(?!r="))|c(?:>|/>|\s(?!r=")| r="(?:' + b"|".join(refs) + b")))"

    def _walk(self, b: bytes) -> None:
        """Exact walk for tags without references or with namespace prefixes."""
        for match in _TAG.finditer(b):
            ref = _R_ATTR.search(match[2])
            if match[1] == b"row":
                self.rows += 1
                self.row_refs += 1 if ref else 0
                self.run = 0
                continue
            if ref and ref[1]:
                self.run = _column_number(ref[1])
                self.max_row = max(self.max_row, int(ref[2] or 0))
            else:
                self.run += 1
            self.widest_run = max(self.widest_run, self.run)

    def bounds(self) -> tuple[int, int]:
        if self.exact:
            max_row, max_col = self.max_row, self.max_col
        else:
            max_row = max(self.max_row, (self.row_lead + 1) * 10 ** max(self.row_digits - 1, 0) - 1)
            max_col = _column_number(bytes([64 + self.col_lead]) + b"Z" * (self.col_letters - 1)) if self.col_letters else 0
        height = max_row + (self.rows - self.row_refs)  # rows without `r` follow the previous one
        return height, max(max_col, self.widest_run)

    def problem(self) -> SheetError | None:
        height, width = self.bounds()
        if width > MAX_COLUMNS:
            return SheetError("too_many_columns", f"The sheet spans {width} columns; at most {MAX_COLUMNS} are read.",
                              f"工作表有 {width} 列，最多读取 {MAX_COLUMNS} 列。")
        if height > MAX_ROWS + 1:
            return SheetError("too_many_rows", f"The sheet has more than {MAX_ROWS} rows; split it into several files.",
                              f"工作表超过 {MAX_ROWS} 行，请拆分为多个文件。")
        if height * max(width, 1) > MAX_CELLS:
            return SheetError("too_many_cells", f"The sheet spans {height} rows × {width} columns, more than "
                              f"{MAX_CELLS} cells; remove empty rows and columns or split it.",
                              f"工作表范围为 {height} 行 × {width} 列，超过 {MAX_CELLS} 个单元格；请删除空行空列或拆分文件。")
        return None


# -- reading rows ---------------------------------------------------------------------------------


def _xlsx_rows(path: Path, sheet_name: str) -> tuple[Iterator[tuple[int, list[Any]]], int]:
    from python_calamine import CalamineError, CalamineWorkbook

    try:
        workbook = CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_name(sheet_name)
    except (CalamineError, ValueError, OSError) as exc:
        raise SheetError("unreadable", f"The workbook cannot be read: {str(exc)[:200]}", "无法读取工作簿。") from None
    except Exception as exc:  # python-calamine raises its own classes for zip and XML errors
        raise SheetError("unreadable", f"The workbook cannot be read: {type(exc).__name__}", "无法读取工作簿。") from None
    offset = sheet.start[1] if sheet.start else 0

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for index, row in enumerate(sheet.iter_rows()):
            yield index + 1, row

    return rows(), offset


def _csv_rows(path: Path, encoding: str) -> Iterator[tuple[int, list[Any]]]:
    with open(path, encoding=encoding, newline="") as fh:
        sample = fh.read(65536)
    try:
        dialect: Any = csv.Sniffer().sniff(sample, delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel

    def rows() -> Iterator[tuple[int, list[Any]]]:
        with open(path, encoding=encoding, newline="") as fh:
            reader = csv.reader(fh, dialect, strict=False)
            try:
                for number, row in enumerate(reader, start=1):
                    if len(row) > MAX_COLUMNS:
                        raise SheetError("too_many_columns", f"Row {number} has {len(row)} columns; at most {MAX_COLUMNS} are read.",
                                         f"第 {number} 行有 {len(row)} 列，最多读取 {MAX_COLUMNS} 列。", path=f"rows.{number}")
                    yield number, row
            except csv.Error as exc:
                raise SheetError("unreadable", f"The CSV file cannot be read near line {reader.line_num}: {exc}",
                                 f"CSV 文件第 {reader.line_num} 行附近无法读取。") from None

    return rows()


def _normalise(rows: Iterator[tuple[int, list[Any]]], rows_file: Path, info: SheetInfo, col_offset: int,
               strip_quote: bool) -> None:
    header: list[str] | None = None
    width = 0
    chunk: list[tuple[int, list[Any]]] = []
    with open(rows_file, "wb") as out:
        for number, raw in rows:
            cells = [_cell(v, strip_quote) for v in raw]
            for index, value in enumerate(cells):
                if isinstance(value, str) and len(value) > MAX_CELL_CHARS:
                    where = f"rows.{number}.{column_letter(index + col_offset)}"
                    raise SheetError("cell_too_long", f"Cell {column_letter(index + col_offset)}{number} holds more than "
                                     f"{MAX_CELL_CHARS} characters.", f"单元格 {column_letter(index + col_offset)}{number} "
                                     f"超过 {MAX_CELL_CHARS} 个字符。", path=where)
            if header is None:
                if all(v is None for v in cells):
                    continue
                names = ["" if v is None else str(json_cell(v)).strip() for v in cells]
                width = max((i + 1 for i, n in enumerate(names) if n), default=0)
                header = names[:width]
                continue
            cells = cells[:width] + [None] * (width - len(cells))
            if all(v is None for v in cells):
                continue
            info.row_count += 1
            if info.row_count > MAX_ROWS:
                raise SheetError("too_many_rows", f"The file has more than {MAX_ROWS} rows; split it into several files.",
                                 f"文件超过 {MAX_ROWS} 行，请拆分为多个文件。")
            if len(info.preview) < PREVIEW_ROWS:
                info.preview.append([json_cell(v) for v in cells])
            chunk.append((number, cells))
            if len(chunk) >= CHUNK_ROWS:
                pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)
                chunk = []
        if chunk:
            pickle.dump(chunk, out, protocol=pickle.HIGHEST_PROTOCOL)
    if header is None:
        raise SheetError("empty_file", "The sheet is empty: its first row must hold the column headers.",
                         "工作表为空：第一行应为列标题。")
    info.columns = header


def _cell(value: Any, strip_quote: bool) -> Any:
    if isinstance(value, str):
        if value == "" or value.isspace():
            return None
        if strip_quote and len(value) > 1 and value[0] == "'" and value[1] in "=+-@\t\r":
            return value[1:]  # undo the quoting our own CSV export adds
        return value
    return value


class _RowsUnpickler(pickle.Unpickler):
    """Our own rows file holds plain values only; refuse anything else even so."""

    ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timedelta")}

    def find_class(self, module: str, name: str) -> Any:
        if (module, name) in self.ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a rows file")


