"""Dashboards as pictures: PNG and PDF drawn by headless Chromium from the dashboard's own page.

The exporter opens the shared-dashboard page in print mode (`/share/d/<token>?print=1`) through a
short-lived link that carries the exporting user's standing and filters, waits until the page marks
every widget drawn (`document.body.dataset.ready == "1"`), then takes a full-page screenshot or
prints A4 landscape. So the picture is exactly what the pages draw — one chart renderer, not two.

Chromium is Debian's (`chromium` on the PATH, or QIQIAO_CHROMIUM_PATH); a server without one
answers 503 with what to install. One export runs at a time per process: a browser is heavy.
"""

from __future__ import annotations

import asyncio
import shutil
from typing import Literal

from core.errors import AppError
from core.settings import Settings

Format = Literal["png", "pdf"]
WIDTH = 1600
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync"]

_locks: dict[int, asyncio.Lock] = {}


def _lock() -> asyncio.Lock:
    loop = id(asyncio.get_running_loop())
    return _locks.setdefault(loop, asyncio.Lock())


def browser_path(settings: Settings) -> str | None:
    if settings.chromium_path:
        return settings.chromium_path if shutil.which(settings.chromium_path) else None
    return shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def unavailable() -> AppError:
    return AppError("export_unavailable", 503,
                    "This server has no headless Chromium for PNG/PDF export: install Debian's `chromium` "
                    "package or set QIQIAO_CHROMIUM_PATH.", title="Export unavailable",
                    detail_zh="服务器上没有可用于导出 PNG/PDF 的无界面 Chromium：请安装 Debian 的 chromium 软件包，"
                              "或设置 QIQIAO_CHROMIUM_PATH。")


async def render(url: str, file_format: Format, executable: str, timeout: float) -> bytes:
    """The page at `url` once it says it is drawn, as PNG or A4-landscape PDF."""
    try:
        from playwright.async_api import Error as BrowserError
        from playwright.async_api import async_playwright
    except ImportError:  # pragma: no cover - playwright is a dependency; a broken install says so
        raise unavailable() from None
    async with _lock():
        try:
            async with async_playwright() as driver:
                browser = await driver.chromium.launch(executable_path=executable, args=BROWSER_ARGS)
                try:
                    page = await browser.new_page(viewport={"width": WIDTH, "height": 900},
                                                  device_scale_factor=2 if file_format == "png" else 1)
                    await page.goto(url, wait_until="domcontentloaded", timeout=timeout * 1000)
                    # A function, not a string: the page's CSP forbids eval. "error": a widget could not load.
                    await page.wait_for_function("() => ['1', 'error'].includes(document.body.dataset.ready)",
                                                 timeout=timeout * 1000)
                    if await page.evaluate("() => document.body.dataset.ready") != "1":
                        raise AppError("export_failed", 502, "The dashboard could not be drawn for export.",
                                       title="Export failed", detail_zh="仪表盘未能绘制，导出失败。")
                    if file_format == "png":
                        return await page.screenshot(full_page=True, type="png")
                    await page.emulate_media(media="screen")
                    return await page.pdf(format="A4", landscape=True, print_background=True, scale=0.66,
                                          margin={"top": "10mm", "bottom": "10mm", "left": "8mm", "right": "8mm"})
                finally:
                    await browser.close()
        except BrowserError as exc:
            timed_out = "Timeout" in type(exc).__name__ or "Timeout" in str(exc)[:200]
            raise AppError("export_failed", 504 if timed_out else 502,
                           "The dashboard could not be drawn for export in time." if timed_out
                           else "The headless browser failed while drawing the dashboard.",
                           title="Export failed",
                           detail_zh="仪表盘未能在时限内绘制完成，导出失败。" if timed_out else "无界面浏览器绘制仪表盘时出错。") from None
