"""Dashboards in the browser: a sales board read signed in (date filter, drill from a year into its
months and back, into the records), its numbers checked against the API, then shared by a public
link that opens without signing in — also in print mode, as the PNG/PDF exporter renders it — until
it is revoked."""

from __future__ import annotations

import json
import re
import struct
from datetime import date, timedelta
from decimal import Decimal
from typing import Any
from urllib.parse import parse_qs, urlparse

import pytest
from playwright.sync_api import Page, expect

from tests.e2e.helpers import ARTIFACTS, DESKTOP, PHONE, no_horizontal_overflow, screenshot, sign_in

pytestmark = pytest.mark.e2e

APP = "board_e2e"
TODAY = date.today()
REPS = ("Wang Fang", "Li Na", "Zhang Wei", "Liu Yang", "Chen Jie")
STAGES = ("lead", "qualified", "proposal", "won")
SOURCES = ("web", "referral", "event")
PROVINCES = ("广东省", "浙江省", "四川省", "江苏省", "内蒙古自治区", "新疆维吾尔自治区")


def _label(en: str, zh: str) -> dict[str, str]:
    return {"en": en, "zh-CN": zh}


def _field(key: str, type_: str, en: str, zh: str, **extra: Any) -> dict[str, Any]:
    return {"key": key, "type": type_, "label": _label(en, zh), **extra}


def _choices(*values: str) -> dict[str, Any]:
    return {"choices": [{"value": v, "label": _label(v.title(), v)} for v in values]}


DEALS = {
    "key": "deals",
    "label": _label("Deals", "商机"),
    "fields": [
        _field("title", "text", "Title", "标题"),
        _field("amount", "money", "Amount", "金额"),
        _field("stage", "single_select", "Stage", "阶段", options=_choices(*STAGES)),
        _field("source", "single_select", "Source", "来源", options=_choices(*SOURCES)),
        _field("rep", "text", "Rep", "销售"),
        _field("signed_on", "date", "Signed on", "签约日期"),
        _field("closed_at", "datetime", "Closed at", "成交时间"),
        _field("province", "address", "Province", "省份", options={"level": "province", "detail": False}),
        _field("tags", "multi_select", "Tags", "标签", options=_choices("vip", "new", "partner")),
    ],
    "settings": {"title_field": "title"},
}


def _deals() -> list[dict[str, Any]]:
    """50 deals, one every 13 days back from today: this year and last, five reps, three sources."""
    out = []
    for i in range(50):
        out.append({
            "title": f"Deal {i + 1:02d}",
            "amount": str(1000 + (i * 7919) % 9000),
            "stage": STAGES[(i * 3) % 4] if i % 5 else "won",
            "source": SOURCES[i % 3],
            "rep": REPS[(i * 2) % 5],
            "signed_on": (TODAY - timedelta(days=13 * i)).isoformat(),
            "closed_at": f"{(TODAY - timedelta(days=13 * i)).isoformat()}T{9 + i % 9:02d}:30:00+08:00",
            "province": PROVINCES[i % len(PROVINCES)],
            "tags": ["vip", "new", "partner"][: 1 + i % 3],
        })
    return out


def _report(dimensions: list[dict], measures: list[dict], chart: str, settings: dict | None = None, **extra: Any) -> dict:
    return {"dataset": {"form": "deals"}, "dimensions": dimensions, "measures": measures,
            "chart": {"type": chart, "settings": settings or {}}, **extra}


AMOUNT = {"key": "amount", "agg": "sum", "field": "amount", "label": _label("Amount", "金额")}
COUNT = {"key": "deals", "agg": "count", "label": _label("Deals", "商机数")}


def _board() -> dict[str, Any]:
    widgets = [
        {"id": "by_year", "kind": "report", "title": _label("Amount by year", "各年金额"), "grid": {"x": 0, "y": 0, "w": 10, "h": 9},
         "report": _report([{"field": "signed_on", "bucket": "year"}], [AMOUNT], "column",
                           {"legend": {"show": False}, "number_format": {"style": "wan"}},
                           drill=[{"field": "signed_on", "bucket": "month"}])},
        {"id": "total", "kind": "report", "title": _label("Amount this year", "今年金额"), "grid": {"x": 10, "y": 0, "w": 6, "h": 3},
         "report": _report([{"field": "signed_on", "bucket": "year"}], [AMOUNT], "kpi",
                           {"number_format": {"style": "wan"}, "compare": "previous_row"})},
        {"id": "stages", "kind": "report", "title": _label("Pipeline", "销售漏斗"), "grid": {"x": 10, "y": 3, "w": 6, "h": 6},
         "report": _report([{"field": "stage"}], [COUNT], "funnel")},
        {"id": "sources", "kind": "report", "title": _label("Deals by source", "来源分布"), "grid": {"x": 16, "y": 0, "w": 8, "h": 9},
         "report": _report([{"field": "source"}], [COUNT], "pie", {"show_labels": True})},
        {"id": "reps", "kind": "report", "title": _label("Top reps", "销售排行"), "grid": {"x": 0, "y": 9, "w": 8, "h": 7},
         "report": _report([{"field": "rep"}], [AMOUNT], "leaderboard", {"number_format": {"style": "currency"}, "top": 5})},
        {"id": "pivot", "kind": "report", "title": _label("Stage × source", "阶段 × 来源"), "grid": {"x": 8, "y": 9, "w": 16, "h": 7},
         "report": _report([{"field": "stage"}, {"field": "source"}], [AMOUNT], "pivot_table")},
        {"id": "latest", "kind": "records", "title": _label("Latest deals", "最新商机"), "form": "deals",
         "fields": ["title", "amount", "stage", "rep"], "limit": 5, "grid": {"x": 0, "y": 16, "w": 14, "h": 6}},
        {"id": "note", "kind": "text", "title": _label("About", "说明"), "grid": {"x": 14, "y": 16, "w": 10, "h": 6},
         "html": "<p><strong>Targets</strong> are reviewed every Monday.</p><ul><li>Won deals count once signed.</li></ul>"},
    ]
    dated = ["by_year", "total", "stages", "sources", "reps", "pivot", "latest"]
    filters = [
        {"key": "period", "kind": "date_range", "label": _label("Signed", "签约日期"),
         "targets": [{"widget": w, "field": "signed_on"} for w in dated]},
        {"key": "src", "kind": "select", "label": _label("Source", "来源"),
         "targets": [{"widget": w, "field": "source"} for w in ("by_year", "total", "stages", "sources", "reps", "pivot")]},
        {"key": "who", "kind": "owner"},
    ]
    return {"label": _label("Sales board", "销售看板"), "widgets": widgets, "filters": filters}


class Api:
    """The JSON API through the signed-in browser context (its cookies and CSRF token)."""

    def __init__(self, page: Page) -> None:
        self.page = page

    def _headers(self) -> dict[str, str]:
        csrf = next((c["value"] for c in self.page.context.cookies() if c["name"] == "qiqiao_csrf"), "")
        return {"X-CSRF-Token": csrf, "Accept-Language": "en", "Content-Type": "application/json"}

    def call(self, method: str, path: str, body: Any = None, expect_status: tuple[int, ...] = (200, 201, 204)) -> Any:
        response = self.page.request.fetch(path, method=method, headers=self._headers(),
                                           data=json.dumps(body) if body is not None else None)
        assert response.status in expect_status, f"{method} {path}: {response.status} {response.text()}"
        return response.json() if response.status != 204 and response.text() else None


def _set_up(api: Api, name: str = "Sales board", definition: dict | None = None) -> int:
    """The app with its 50 deals (once per server), and a new dashboard over them."""
    if api.page.request.get(f"/api/apps/{APP}/forms/deals").status == 404:
        api.call("POST", "/api/apps", {"key": APP, "name": "Sales", "description": ""}, (201, 409))
        api.call("POST", f"/api/apps/{APP}/forms", {"definition": DEALS})
        api.call("POST", f"/api/apps/{APP}/forms/deals/publish", {})
        api.call("POST", f"/api/apps/{APP}/forms/deals/records/bulk", {"items": _deals()})
    board = api.call("POST", f"/api/apps/{APP}/dashboards", {"name": name, "definition": definition or _board()})
    return board["id"]


BAR_SCAN = """([selector, rgb]) => {
  const canvas = document.querySelector(selector + ' canvas');
  if (!canvas) return [];
  const { width, height } = canvas;
  const pixels = canvas.getContext('2d').getImageData(0, 0, width, height).data;
  const near = (i) => Math.abs(pixels[i] - rgb[0]) < 8 && Math.abs(pixels[i + 1] - rgb[1]) < 8 && Math.abs(pixels[i + 2] - rgb[2]) < 8;
  const columns = [];
  for (let x = 0; x < width; x++) {
    let top = -1, bottom = -1;
    for (let y = 0; y < height; y++) if (near((y * width + x) * 4)) { if (top < 0) top = y; bottom = y; }
    columns.push([top, bottom]);
  }
  const rect = canvas.getBoundingClientRect();
  const bars = [];
  let start = -1;
  for (let x = 0; x <= width; x++) {
    const hit = x < width && columns[x][0] >= 0;
    if (hit && start < 0) start = x;
    if (!hit && start >= 0) {
      const mid = Math.floor((start + x - 1) / 2);
      if (x - start >= 4) bars.push({ x: rect.left + mid * rect.width / width,
                                      y: rect.top + (columns[mid][0] + columns[mid][1]) / 2 * rect.height / height });
      start = -1;
    }
  }
  return bars;
}"""
FIRST_COLOUR = (0x54, 0x70, 0xC6)  # the first colour of the server's palette


def _bars(page: Page, widget: str) -> list[dict[str, float]]:
    selector = f'section[data-widget="{widget}"]'
    page.wait_for_function(f"""() => {{ const c = document.querySelector('{selector} canvas'); return c && c.width > 0; }}""")
    page.mouse.move(0, 0)  # a hovered bar is drawn in another shade
    bars, previous = None, None
    for _ in range(30):  # until the bars stop growing
        page.wait_for_timeout(300)
        bars = page.evaluate(BAR_SCAN, [selector, list(FIRST_COLOUR)])
        if bars and bars == previous:
            break
        previous = bars
    return bars or []


def _wan(value: float) -> str:
    for size, unit in ((1e8, "亿"), (1e4, "万")):
        if abs(value) >= size:
            return f"{value / size:,.2f}{unit}"
    return f"{value:,.0f}"


def test_a_sales_board_filters_drills_and_is_shared_by_a_public_link(open_page, server):
    page, _ = open_page(DESKTOP, locale="en-US")
    page.goto("/login")
    sign_in(page, server.admin_username, server.admin_password)
    expect(page.get_by_role("heading", name="Hello, Admin")).to_be_visible()
    api = Api(page)
    board_id = _set_up(api)
    board_url = f"/apps/{APP}/dashboards/{board_id}"

    page.goto(board_url)
    expect(page.get_by_role("heading", name="Sales board")).to_be_visible()
    kpi = page.locator('section[data-widget="total"]').get_by_test_id("kpi-value")
    expect(kpi).to_be_visible()
    expect(page.locator('section[data-widget="reps"] li')).to_have_count(5)
    expect(page.locator('section[data-widget="pivot"] table')).to_contain_text(re.compile("won", re.I))
    expect(page.locator('section[data-widget="latest"]')).to_contain_text("Deal 50")
    expect(page.locator('section[data-widget="note"]')).to_contain_text("reviewed every Monday")
    screenshot(page, "desktop-4x-01-board")

    # A date preset: the last 12 months. The KPI shows what the API says for the same filter, and
    # that is the sum of this year's deals in the window.
    page.get_by_role("combobox", name="Signed").click()
    page.locator(".ant-select-item-option").filter(has_text=re.compile("^Last 12 months$")).click()
    start = (TODAY.replace(day=1) - timedelta(days=1)).replace(day=1)
    for _ in range(10):
        start = (start - timedelta(days=1)).replace(day=1)
    expect(page.get_by_text(f"{start.isoformat()} – {TODAY.isoformat()}")).to_be_visible()
    filters = json.dumps({"period": {"relative": "last_12_months"}})
    data = api.call("GET", f"/api/apps/{APP}/dashboards/{board_id}/data?filters={filters}")
    widgets = {w["id"]: w for w in data["widgets"]}
    expected = sum(Decimal(d["amount"]) for d in _deals()
                   if start.isoformat() <= d["signed_on"] <= TODAY.isoformat() and d["signed_on"][:4] == str(TODAY.year))
    from_api = widgets["total"]["data"]["option"]["qq"]["kpi"]
    assert Decimal(str(from_api["value"])) == expected
    expect(kpi).to_have_text(from_api["formatted"])
    assert from_api["formatted"] == _wan(float(expected))
    years = [r["signed_on"][:4] for r in widgets["by_year"]["data"]["rows"]]
    assert years == sorted(years) and years[-1] == str(TODAY.year)
    screenshot(page, "desktop-4x-02-last-12-months")

    # Drill: the bar of this year opens its months; the breadcrumb leads back.
    bars = _bars(page, "by_year")
    assert len(bars) == len(years), bars
    page.mouse.click(bars[-1]["x"], bars[-1]["y"])
    chart = page.locator('section[data-widget="by_year"]')
    expect(chart.get_by_role("button", name="Back to Amount by year")).to_be_visible()
    expect(chart.locator(".ant-breadcrumb")).to_contain_text(str(TODAY.year))
    months = _bars(page, "by_year")
    this_year = {d["signed_on"][:7] for d in _deals() if start.isoformat() <= d["signed_on"] and d["signed_on"][:4] == str(TODAY.year)}
    assert len(months) == len(this_year), (months, this_year)
    screenshot(page, "desktop-4x-03-drilled-to-months")
    chart.get_by_role("button", name="Back to Amount by year").click()
    expect(chart.locator(".ant-breadcrumb")).to_have_count(0)

    # At the last level a click opens the matching records, filtered as the list page reads it.
    bars = _bars(page, "by_year")
    page.mouse.click(bars[-1]["x"], bars[-1]["y"])
    expect(chart.locator(".ant-breadcrumb")).to_contain_text(str(TODAY.year))
    months = _bars(page, "by_year")
    page.mouse.click(months[-1]["x"], months[-1]["y"])
    page.wait_for_url(re.compile(rf"/apps/{APP}/forms/deals\?filter="))
    record_filter = json.loads(parse_qs(urlparse(page.url).query)["filter"][0])
    conditions = record_filter["and"]
    assert {"field": "signed_on", "op": "gte", "value": TODAY.replace(day=1).isoformat()} in conditions, conditions
    page.goto(board_url)
    expect(kpi).to_be_visible()

    # A wall display: full screen, refreshed every minute.
    page.get_by_role("combobox", name="Auto-refresh").click()
    page.locator(".ant-select-item-option").filter(has_text="Every 1 min").click()
    page.get_by_role("button", name="Full screen").click()
    expect(page.get_by_role("button", name="Exit full screen")).to_be_visible()
    screenshot(page, "desktop-4x-08-full-screen", full_page=False)
    page.get_by_role("button", name="Exit full screen").click()
    expect(page.get_by_role("button", name="Full screen")).to_be_visible()

    # Share by a public link; it opens in a fresh browser without signing in.
    page.get_by_role("button", name="Share").click()
    dialog = page.get_by_role("dialog", name="Share by public link")
    dialog.get_by_label("Name of the link").fill("Lobby screen")
    dialog.get_by_role("button", name="Create link").click()
    url = dialog.get_by_label("Link address").input_value()
    assert "/share/d/" in url
    expect(dialog.get_by_text("Lobby screen")).to_be_visible()
    screenshot(page, "desktop-4x-04-share-dialog")

    public, _ = open_page(DESKTOP, locale="en-US")
    public.goto(url)
    expect(public.get_by_role("heading", name="Sales board")).to_be_visible()
    expect(public.get_by_text("Read-only view")).to_be_visible()
    everything = api.call("GET", f"/api/apps/{APP}/dashboards/{board_id}/data")
    total = next(w for w in everything["widgets"] if w["id"] == "total")["data"]["option"]["qq"]["kpi"]["formatted"]
    expect(public.locator('section[data-widget="total"]').get_by_test_id("kpi-value")).to_have_text(total)
    expect(public.get_by_role("combobox", name="Signed")).to_be_visible()
    expect(public.get_by_role("button", name="Share")).to_have_count(0)
    # Drilling works there too (one level at a time, never into records).
    public_bars = _bars(public, "by_year")
    public.mouse.click(public_bars[-1]["x"], public_bars[-1]["y"])
    expect(public.locator('section[data-widget="by_year"] .ant-breadcrumb')).to_contain_text(str(TODAY.year))
    screenshot(public, "desktop-4x-05-public-link")

    # Print mode, as the exporter renders it: no chrome, and a signal once every widget has drawn.
    printed, _ = open_page({"width": 1600, "height": 1000}, locale="en-US")
    printed.goto(url + "?print=1")
    try:
        printed.wait_for_selector('body[data-ready="1"]', state="attached", timeout=20_000)
    except Exception:
        waiting = printed.locator("section[data-widget]:not([data-drawn])").evaluate_all("s => s.map(e => e.dataset.widget)")
        raise AssertionError(f"print mode never said it was ready; not drawn: {waiting}") from None
    expect(printed.get_by_role("button", name="Refresh")).to_have_count(0)
    expect(printed.get_by_role("group", name="Filters")).to_have_count(0)
    screenshot(printed, "desktop-4x-06-print")

    # Phone: one column, no sideways scrolling.
    phone, _ = open_page(PHONE, locale="en-US")
    phone.goto(url)
    expect(phone.locator('section[data-widget="total"]').get_by_test_id("kpi-value")).to_have_text(total)
    boxes = [phone.locator(f'section[data-widget="{w}"]').bounding_box() for w in ("by_year", "total", "sources")]
    assert boxes[0]["y"] < boxes[1]["y"] < boxes[2]["y"] and all(abs(b["x"] - boxes[0]["x"]) < 2 for b in boxes)
    assert no_horizontal_overflow(phone)
    screenshot(phone, "phone-4x-01-public-board")

    # Revoked, the link is gone.
    dialog.get_by_role("button", name="Revoke").click()
    page.get_by_role("tooltip").get_by_role("button", name="Revoke").click()
    expect(page.get_by_text("Link revoked").or_(dialog.get_by_text("No public links yet.")).first).to_be_visible()
    assert all(link["revoked_at"] for link in api.call("GET", f"/api/apps/{APP}/dashboards/{board_id}/links")["items"])
    public.reload()
    expect(public.get_by_text("This link no longer works")).to_be_visible()
    screenshot(public, "desktop-4x-07-link-revoked")


def test_the_board_reads_well_on_a_phone_signed_in(open_page, server):
    page, _ = open_page(PHONE, locale="zh-CN")
    page.goto("/login")
    sign_in(page, server.admin_username, server.admin_password)
    page.wait_for_url(re.compile(r"/$"))
    boards = Api(page).call("GET", f"/api/apps/{APP}/dashboards")["items"]
    if not boards:
        pytest.skip("runs after the desktop test, which sets the board up")
    page.goto(f"/apps/{APP}/dashboards/{boards[0]['id']}")
    expect(page.get_by_role("heading", name="销售看板")).to_be_visible()
    expect(page.locator('section[data-widget="reps"] li')).to_have_count(5)
    expect(page.locator('section[data-widget="pivot"] table')).to_be_visible()
    assert no_horizontal_overflow(page)
    screenshot(page, "phone-4x-02-board-zh")


def test_a_widgets_data_and_the_whole_board_download(open_page, server):
    """Widget data as .csv/.xlsx; the whole board as PNG/PDF, drawn by the server from the print mode
    of a public link (runtime/reports/snapshot.py)."""
    page, _ = open_page(DESKTOP, locale="en-US")
    page.goto("/login")
    sign_in(page, server.admin_username, server.admin_password)
    page.wait_for_url(re.compile(r"/$"))
    api = Api(page)
    boards = api.call("GET", f"/api/apps/{APP}/dashboards")["items"]
    if not boards:
        pytest.skip("runs after the first test, which sets the board up")
    board_id = boards[0]["id"]
    page.goto(f"/apps/{APP}/dashboards/{board_id}")
    expect(page.locator('section[data-widget="total"]').get_by_test_id("kpi-value")).to_be_visible()
    # A widget's data, in the reader's scope and with the board's filters.
    for label, suffix, magic in (("Data as CSV", ".csv", None), ("Data as Excel (.xlsx)", ".xlsx", b"PK")):
        page.get_by_role("button", name="Widget actions for Amount by year").click()
        with page.expect_download() as download:
            page.get_by_role("menuitem", name=label).click()
        assert download.value.suggested_filename.endswith(suffix), download.value.suggested_filename
        content = open(download.value.path(), "rb").read()
        assert content.startswith(magic) if magic else str(TODAY.year) in content.decode("utf-8-sig")
    page.get_by_role("button", name="Export").click()
    expect(page.get_by_role("menuitem", name="Whole board as PNG")).to_be_visible()
    expect(page.get_by_role("menuitem", name="Whole board as PDF")).to_be_visible()
    page.keyboard.press("Escape")
    filters = json.dumps({"period": {"relative": "last_12_months"}})
    for file_format, magic in (("png", b"\x89PNG"), ("pdf", b"%PDF")):
        response = page.request.get(f"/api/apps/{APP}/dashboards/{board_id}/export?format={file_format}&filters={filters}",
                                    timeout=120_000)
        assert response.status == 200, response.text()
        assert response.body().startswith(magic)
        assert f".{file_format}" in response.headers["content-disposition"]
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / f"desktop-49-board-export.{file_format}").write_bytes(response.body())
    width, height = struct.unpack(">II", (ARTIFACTS / "desktop-49-board-export.png").read_bytes()[16:24])
    assert width >= 3200 and height > 600  # (at least) 1600 px wide at twice the pixel density


BY_STAGE = [{"field": "stage"}]
TWO = [COUNT, AMOUNT]
# Every chart type of GET /api/chart-types: (dimensions, measures, settings)
EVERY_CHART: dict[str, tuple[list, list, dict]] = {
    "column": (BY_STAGE, [COUNT], {"show_labels": True}),
    "stacked_column": (BY_STAGE + [{"field": "source"}], [COUNT], {}),
    "percent_column": (BY_STAGE + [{"field": "source"}], [COUNT], {}),
    "bar": ([{"field": "rep"}], [AMOUNT], {"number_format": {"style": "wan"}}),
    "line": ([{"field": "signed_on", "bucket": "month"}], [AMOUNT], {"smooth": True, "reference_lines": [{"kind": "average"}]}),
    "area": ([{"field": "signed_on", "bucket": "quarter"}], [AMOUNT], {}),
    "stacked_area": ([{"field": "signed_on", "bucket": "quarter"}, {"field": "source"}], [COUNT], {}),
    "dual_axis": (BY_STAGE, TWO, {}),
    "pie": ([{"field": "source"}], [COUNT], {"show_labels": True}),
    "donut": ([{"field": "source"}], [COUNT], {}),
    "funnel": (BY_STAGE, [COUNT], {}),
    "kpi": ([{"field": "signed_on", "bucket": "year"}], [AMOUNT], {"number_format": {"style": "currency"}}),
    "gauge": ([], [AMOUNT], {"target": 500000}),
    "leaderboard": ([{"field": "rep"}], [AMOUNT], {"top": 5}),
    "table": (BY_STAGE, TWO, {}),
    "pivot_table": ([{"field": "rep"}, {"field": "stage"}], [COUNT], {}),
    "scatter": ([{"field": "rep"}], TWO, {}),
    "bubble": ([{"field": "rep"}], TWO + [{"key": "mx", "agg": "max", "field": "amount"}], {}),
    "radar": ([{"field": "source"}], TWO, {}),
    "heatmap": ([{"field": "closed_at", "bucket": "day_of_week"}, {"field": "closed_at", "bucket": "hour", "key": "hour"}],
                [COUNT], {}),
    "treemap": ([{"field": "source"}, {"field": "rep"}], [COUNT], {}),
    "sankey": ([{"field": "source"}, {"field": "stage"}], [COUNT], {}),
    "waterfall": (BY_STAGE, [AMOUNT], {}),
    "china_map": ([{"field": "province", "part": "province"}], [COUNT], {"show_labels": False}),
    "calendar_heatmap": ([{"field": "signed_on", "bucket": "day"}], [COUNT], {}),
    "word_cloud": ([{"field": "tags"}], [COUNT], {}),
    "tree": ([{"field": "source"}, {"field": "rep"}], [COUNT], {}),
}


def test_every_chart_type_draws_in_print_mode(open_page, server):
    page, _ = open_page(DESKTOP, locale="en-US")
    page.goto("/login")
    sign_in(page, server.admin_username, server.admin_password)
    page.wait_for_url(re.compile(r"/$"))
    api = Api(page)
    offered = {t["type"] for t in api.call("GET", "/api/chart-types")["items"]}
    assert offered == set(EVERY_CHART), offered ^ set(EVERY_CHART)
    widgets = [{"id": chart, "kind": "report", "title": _label(chart, chart),
                "grid": {"x": (i % 3) * 8, "y": (i // 3) * 7, "w": 8, "h": 7},
                "report": _report(dims, measures, chart, settings)}
               for i, (chart, (dims, measures, settings)) in enumerate(sorted(EVERY_CHART.items()))]
    board_id = _set_up(api, "Every chart", {"widgets": widgets, "filters": []})
    data = api.call("GET", f"/api/apps/{APP}/dashboards/{board_id}/data")
    failed = {w["id"]: w["error"] for w in data["widgets"] if "error" in w}
    assert not failed, failed
    link = api.call("POST", f"/api/apps/{APP}/dashboards/{board_id}/links", {"name": "print"})

    printed, _ = open_page({"width": 1600, "height": 1000}, locale="en-US")
    printed.goto(link["path"] + "?print=1")
    try:
        printed.wait_for_selector('body[data-ready="1"]', state="attached", timeout=30_000)
    except Exception:
        waiting = printed.locator("section[data-widget]:not([data-drawn])").evaluate_all("s => s.map(e => e.dataset.widget)")
        raise AssertionError(f"not drawn: {waiting}") from None
    expect(printed.locator(".qq-chart-failed")).to_have_count(0)
    expect(printed.locator('section[data-widget="word_cloud"]')).to_contain_text("Vip")
    expect(printed.locator('section[data-widget="kpi"]').get_by_test_id("kpi-value")).to_contain_text("¥")
    screenshot(printed, "desktop-4x-09-every-chart-type")
