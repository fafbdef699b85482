"""Notifications beyond the in-app list: e-mail through an SMTP server the test starts (aiosmtpd),
and DingTalk / WeCom / Feishu robot messages to a local fake endpoint, checked against each
vendor's documented format and signature."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import socket
import threading
from email import message_from_bytes
from email.header import decode_header, make_header
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlsplit

import pytest
from aiosmtpd.controller import Controller

from runtime.notify.service import notify
from runtime.worker.loop import Worker

PASSWORD = "user-Pa55word"


class Mailbox:
    def __init__(self) -> None:
        self.messages: list[tuple[list[str], bytes]] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.messages.append((list(envelope.rcpt_tos), envelope.content))
        return "250 OK"


@pytest.fixture
def smtp():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    box = Mailbox()
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    box.port = port
    yield box
    controller.stop()


class Vendor:
    """Answers like the chat vendors do; records what it got."""

    def __init__(self) -> None:
        self.got: list[tuple[str, dict]] = []
        self.answer: dict = {"errcode": 0, "code": 0}
        vendor = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("content-length") or 0))
                vendor.got.append((self.path, json.loads(body)))
                payload = json.dumps(vendor.answer).encode()
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def vendor():
    v = Vendor()
    yield v
    v.close()


@pytest.fixture
def drain(app, clock):
    worker = Worker(app.state.db, clock, app.state.settings.model_copy(update={"outbound_allow_cidrs": ["127.0.0.1/32"]}))

    async def run() -> int:
        total = 0
        while (done := await worker.run_once()):
            total += done
        return total
    return run


def _b64_hmac(key: bytes, message: bytes) -> str:
    return base64.b64encode(hmac.new(key, message, hashlib.sha256).digest()).decode()


async def test_admins_set_the_smtp_server_and_the_password_never_comes_back(client, smtp, drain, make_user, login):
    saved = await client.put("/api/admin/settings/email", json={
        "host": "127.0.0.1", "port": smtp.port, "security": "none", "from_address": "crm@example.com",
        "from_name": "Qiqiao CRM", "password": "s3cret-smtp"})
    assert saved.status_code == 200, saved.text
    assert saved.json()["password_set"] is True and "s3cret" not in saved.text
    again = await client.put("/api/admin/settings/email", json={
        "host": "127.0.0.1", "port": smtp.port, "security": "none", "from_address": "crm@example.com"})
    assert again.json()["password_set"] is True  # omitted: kept
    assert (await client.get("/api/admin/settings/email")).json()["host"] == "127.0.0.1"
    assert (await client.post("/api/admin/settings/email/test", json={"to": "boss@example.com"})).status_code == 202
    assert await drain() == 1
    (rcpt, content), = smtp.messages
    assert rcpt == ["boss@example.com"] and "Qiqiao test e-mail" in str(make_header(decode_header(
        message_from_bytes(content)["Subject"])))
    await make_user("rep", PASSWORD)
    rep = await login("rep", PASSWORD)
    assert (await rep.get("/api/admin/settings/email")).status_code == 403
    bad = await client.put("/api/admin/settings/email", json={"host": "x y", "port": 0, "from_address": "nope"})
    assert bad.status_code == 422 and {e["path"].split(".")[-1] for e in bad.json()["errors"]} >= {"host", "port", "from_address"}


async def test_a_notification_reaches_each_channel_of_its_reader_in_the_vendors_formats(app, client, smtp, vendor, drain,
                                                                                      make_user, login, clock):
    await client.put("/api/admin/settings/email", json={"host": "127.0.0.1", "port": smtp.port, "security": "none",
                                                          "from_address": "crm@example.com"})
    user = await make_user("wang", PASSWORD, locale="en")
    wang = await login("wang", PASSWORD)
    for body in ({"kind": "email", "target": "wang@example.com"},
                 {"kind": "dingtalk", "target": f"{vendor.url}/robot/send?access_token=abc", "secret": "SECdd"},
                 {"kind": "wecom", "target": f"{vendor.url}/cgi-bin/webhook/send?key=k1"},
                 {"kind": "feishu", "target": f"{vendor.url}/open-apis/bot/v2/hook/h1", "secret": "fsec"}):
        made = await wang.post("/api/auth/me/channels", json=body)
        assert made.status_code == 201, made.text
        assert "secret" not in made.json()
    listed = (await wang.get("/api/auth/me/channels")).json()["items"]
    assert [c["kind"] for c in listed] == ["email", "dingtalk", "wecom", "feishu"] and listed[1]["secret_set"]

    async with app.state.db.transaction() as conn:
        await notify(conn, [user["id"]], "flow.task", "Approve order SO-7", "审批订单 SO-7", body="Amount 600000",
                     link={"app": "shop", "form": "orders", "record_id": 7}, now=clock.now())
    assert await drain() == 4

    (rcpt, content), = smtp.messages
    mail = message_from_bytes(content)
    assert rcpt == ["wang@example.com"] and str(make_header(decode_header(mail["Subject"]))) == "Approve order SO-7"
    assert "/apps/shop/forms/orders/records/7" in mail.get_payload(decode=True).decode()

    got = {path.split("?")[0]: (path, body) for path, body in vendor.got}
    path, ding = got["/robot/send"]
    query = parse_qs(urlsplit(path).query)
    stamp, sign = query["timestamp"][0], unquote(query["sign"][0])
    assert sign == _b64_hmac(b"SECdd", f"{stamp}\nSECdd".encode()) and query["access_token"] == ["abc"]
    assert ding["msgtype"] == "markdown" and ding["markdown"]["title"] == "Approve order SO-7"
    assert "Amount 600000" in ding["markdown"]["text"]
    _, wecom = got["/cgi-bin/webhook/send"]
    assert wecom["msgtype"] == "markdown" and wecom["markdown"]["content"].startswith("**Approve order SO-7**")
    _, feishu = got["/open-apis/bot/v2/hook/h1"]
    assert feishu["msg_type"] == "text" and "Approve order SO-7" in feishu["content"]["text"]
    assert feishu["sign"] == _b64_hmac(f"{feishu['timestamp']}\nfsec".encode(), b"")


async def test_a_vendor_refusal_is_retried_and_bad_channels_are_refused(app, client, vendor, drain, make_user, login, clock):
    user = await make_user("li", PASSWORD)
    li = await login("li", PASSWORD)
    assert (await li.post("/api/auth/me/channels", json={"kind": "wecom", "target": f"{vendor.url}/hook"})).status_code == 201
    vendor.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    async with app.state.db.transaction() as conn:
        await notify(conn, [user["id"]], "x", "Hello", "你好", now=clock.now())
    assert await drain() == 1
    from sqlalchemy import select

    from runtime.tables import outbox
    async with app.state.db.transaction(write=False) as conn:
        status = (await conn.execute(select(outbox.c.status).where(outbox.c.kind == "robot"))).scalar_one()
    assert status == "failed"  # tried again later
    for body, path in (({"kind": "email", "target": "not-an-address"}, "target"),
                       ({"kind": "dingtalk", "target": "file:///etc/passwd"}, "target"),
                       ({"kind": "wecom", "target": f"{vendor.url}/hook", "secret": "x"}, None),
                       ({"kind": "sms", "target": "123"}, "kind")):
        refused = await li.post("/api/auth/me/channels", json=body)
        assert refused.status_code == 422, body
        if path:
            assert any(e["path"].endswith(path) for e in refused.json()["errors"]), refused.json()["errors"]
    assert (await li.delete("/api/auth/me/channels/999")).status_code == 404
