"""Dashboards sent by e-mail on a schedule: cron checked at save, a timer per schedule that sends
and re-arms, recipients' addresses from their profiles, the board as an attachment, drawn with the
scheduler's frozen standing (the drawing itself is the exporter's, tested in the browser tests)."""

from __future__ import annotations

from datetime import timedelta
from email import message_from_bytes

from sqlalchemy import select

from runtime.reports import schedules, snapshot
from runtime.tables import timers
from runtime.worker.loop import Worker
from tests.api.test_channels import smtp  # noqa: F401  (a fixture: an SMTP server the test starts)
from tests.api.test_reports_links import BOARDS, _board
from tests.api.test_reports_world import APP, world  # noqa: F401  (world is a fixture)


async def test_a_board_is_mailed_on_its_schedule_as_an_attachment(world, smtp, app, clock, monkeypatch):  # noqa: F811
    admin, alice = world["admin"], world["clients"]["alice"]
    await admin.put("/api/admin/settings/email", json={"host": "127.0.0.1", "port": smtp.port, "security": "none",
                                                         "from_address": "crm@example.com"})
    await admin.patch(f"/api/admin/users/{world['users']['dave']['id']}", json={"email": "dave@example.com"})
    board_id = await _board(admin)
    made = await alice.post(f"{BOARDS}/{board_id}/schedules", json={
        "cron": "0 8 * * 1", "format": "png", "recipients": {"users": [world["users"]["dave"]["id"]],
                                                             "emails": ["partner@example.com"]}})
    assert made.status_code == 201, made.text
    schedule = made.json()
    async with app.state.db.transaction(write=False) as conn:
        due = (await conn.execute(select(timers.c.due_at).where(timers.c.key == f"board-mail:{schedule['id']}",
                                                                timers.c.status == "pending"))).scalar_one()
    assert due == schedules.next_time("0 8 * * 1", clock.now())  # Monday 08:00 in the platform's zone
    assert due.astimezone(schedules.PLATFORM_TZ).strftime("%a %H:%M") == "Mon 08:00"

    drawn = []

    async def draw(url, file_format, executable, timeout):
        drawn.append((url, file_format))
        return b"\x89PNG fake board"
    monkeypatch.setattr(snapshot, "render", draw)
    monkeypatch.setattr(snapshot, "browser_path", lambda settings: "/usr/bin/chromium")
    worker = Worker(app.state.db, clock, app.state.settings)
    clock.advance(due - clock.now() + timedelta(seconds=1))
    while await worker.run_once():
        pass
    assert len(drawn) == 1 and "/share/d/" in drawn[0][0] and drawn[0][0].endswith("?print=1")
    (rcpt, content), = smtp.messages
    assert sorted(rcpt) == ["dave@example.com", "partner@example.com"]
    mail = message_from_bytes(content)
    (attachment,) = [p for p in mail.walk() if p.get_filename()]
    assert attachment.get_filename().endswith(".png") and attachment.get_payload(decode=True) == b"\x89PNG fake board"
    async with app.state.db.transaction(write=False) as conn:  # the next Monday is armed; the drawing link is gone
        again = (await conn.execute(select(timers.c.due_at).where(timers.c.key == f"board-mail:{schedule['id']}",
                                                                  timers.c.status == "pending"))).scalar_one()
    assert again - due == timedelta(days=7)
    listed = (await alice.get(f"{BOARDS}/{board_id}/schedules")).json()["items"]
    assert listed[0]["last_sent_at"] is not None
    assert (await admin.get(f"{BOARDS}/{board_id}/links")).json()["items"] == []

    # Switched off: no timer; sent at once on request; the scheduler or an admin manages it, no one else.
    assert (await alice.patch(f"/api/apps/{APP}/dashboard-schedules/{schedule['id']}", json={"enabled": False})).status_code == 200
    assert (await world["clients"]["dave"].delete(f"/api/apps/{APP}/dashboard-schedules/{schedule['id']}")).status_code == 404
    assert (await admin.delete(f"/api/apps/{APP}/dashboard-schedules/{schedule['id']}")).status_code == 204


async def test_a_schedule_says_what_is_wrong_with_it(world):
    alice = world["clients"]["alice"]
    board_id = await _board(world["admin"])
    bad = await alice.post(f"{BOARDS}/{board_id}/schedules", json={"cron": "every monday", "recipients": {}})
    assert bad.status_code == 422
    assert {e["path"] for e in bad.json()["errors"]} == {"cron", "recipients"}
    assert bad.json()["errors"][0]["message_zh"]
    wrong = await alice.post(f"{BOARDS}/{board_id}/schedules", json={"cron": "0 8 * * 1", "format": "gif",
                                                                      "recipients": {"emails": ["x"]}})
    assert wrong.status_code == 422
    assert (await world["clients"]["bob"].post(f"{BOARDS}/{board_id}/schedules", json={
        "cron": "0 8 * * 1", "recipients": {"emails": ["a@example.com"]}})).status_code == 404  # not his to open
