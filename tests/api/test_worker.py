"""The worker: timers fire exactly once when due (also with two workers, also when a worker is
killed mid-batch), the outbox delivers at least once with retries, back-off, leases and stable
idempotency keys, and `qiqiao worker` stops cleanly on SIGTERM."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from sqlalchemy import func, select, text

from core.db import Database
from runtime.tables import outbox, timers
from runtime.worker import outbox as outbox_module
from runtime.worker import timers as timer_module
from runtime.worker.loop import Worker
from runtime.worker.outbox import enqueue, replay
from runtime.worker.timers import cancel, cancel_prefix, schedule
from tests.api import worker_plugin
from tests.conftest import TEST_SECRET

ROOT = Path(__file__).resolve().parents[2]
PROCESS_DEADLINE = 90.0  # generous: a loaded 2-core CI machine starts Python slowly


@pytest.fixture
async def db(settings):
    database = Database(settings.database_url)
    async with database.transaction() as conn:
        await conn.execute(text(worker_plugin.PROBE_TABLE))
    yield database
    await database.dispose()


@pytest.fixture
def worker(db, clock, settings) -> Worker:
    return Worker(db, clock, settings, name="worker-1")


async def fired(db: Database) -> list[int]:
    async with db.transaction(write=False) as conn:
        return list((await conn.execute(text("SELECT n FROM worker_probe ORDER BY n"))).scalars())


async def timer(db: Database, timer_id: int) -> dict:
    async with db.transaction(write=False) as conn:
        return dict((await conn.execute(select(timers).where(timers.c.id == timer_id))).mappings().one())


async def delivery(db: Database, outbox_id: int) -> dict:
    async with db.transaction(write=False) as conn:
        return dict((await conn.execute(select(outbox).where(outbox.c.id == outbox_id))).mappings().one())


async def eventually(condition, timeout: float = PROCESS_DEADLINE, what: str = "condition"):
    deadline = time.monotonic() + timeout
    while True:
        value = await condition()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        await asyncio.sleep(0.02)


# -- timers ---------------------------------------------------------------------------------------


async def test_a_timer_fires_once_when_due_and_not_before(db, worker, clock):
    async with db.transaction() as conn:
        soon = await schedule(conn, "test.probe", clock.now() + timedelta(minutes=10), {"n": 1})
        overdue = await schedule(conn, "test.probe", clock.now() - timedelta(hours=3), {"n": 2})
    assert await worker.run_once() == 1  # the one that fell due while nothing ran
    assert await fired(db) == [2]
    clock.advance(timedelta(minutes=9, seconds=59))
    assert await worker.run_once() == 0
    clock.advance(timedelta(seconds=1))
    assert await worker.run_once() == 1
    assert await worker.run_once() == 0
    assert await fired(db) == [1, 2]
    row = await timer(db, soon)
    assert (row["status"], row["attempts"], row["fired_at"]) == ("done", 1, clock.now())
    assert (await timer(db, overdue))["status"] == "done"


async def test_scheduling_a_key_again_moves_its_pending_timer(db, worker, clock):
    async with db.transaction() as conn:
        first = await schedule(conn, "test.probe", clock.now() + timedelta(minutes=5), {"n": 1}, key="remind:7")
        second = await schedule(conn, "test.probe", clock.now() + timedelta(minutes=10), {"n": 2}, key="remind:7")
    assert first == second
    async with db.transaction(write=False) as conn:
        assert (await conn.execute(select(func.count()).select_from(timers))).scalar_one() == 1
    clock.advance(timedelta(minutes=6))
    assert await worker.run_once() == 0
    clock.advance(timedelta(minutes=4))
    assert await worker.run_once() == 1
    assert await fired(db) == [2]


async def test_cancel_and_cancel_prefix_stop_only_the_named_pending_timers(db, worker, clock):
    due = clock.now() + timedelta(minutes=1)
    keys = {"flow:1:a": 1, "flow:1:b": 2, "flow:10:a": 3, "flow:2:a": 4, "flow:1_x": 5, "flow:1%": 6}
    async with db.transaction() as conn:
        for key, n in keys.items():
            await schedule(conn, "test.probe", due, {"n": n}, key=key)
    async with db.transaction() as conn:
        await cancel_prefix(conn, "flow:1:")
        await cancel(conn, "flow:2:a")
        await cancel(conn, "no-such-key")
    clock.advance(timedelta(minutes=1))
    assert await worker.run_once() == 3
    assert await fired(db) == [3, 5, 6]
    async with db.transaction(write=False) as conn:
        statuses = dict((await conn.execute(select(timers.c.key, timers.c.status))).all())
    assert statuses == {"flow:1:a": "cancelled", "flow:1:b": "cancelled", "flow:10:a": "done", "flow:2:a": "cancelled",
                        "flow:1_x": "done", "flow:1%": "done"}


async def test_a_handler_can_schedule_its_own_key_again(db, worker, clock):
    async with db.transaction() as conn:
        first = await schedule(conn, "test.rearm", clock.now(), {"n": 1}, key="daily")
    assert await worker.run_once() == 1
    assert (await timer(db, first))["status"] == "done"
    clock.advance(timedelta(minutes=1))
    assert await worker.run_once() == 1
    assert await fired(db) == [1, 2]
    async with db.transaction(write=False) as conn:
        rows = (await conn.execute(select(timers.c.status, timers.c.payload).order_by(timers.c.id))).all()
    assert [(s, p["n"]) for s, p in rows] == [("done", 1), ("done", 2), ("pending", 3)]


async def test_a_failing_timer_is_retried_with_back_off_then_fails(db, worker, clock):
    async with db.transaction() as conn:
        timer_id = await schedule(conn, "test.probe", clock.now(), {"n": 1, "fail": True})
    waits = [timer_module.RETRY_BASE_SECONDS * 2 ** i for i in range(timer_module.MAX_ATTEMPTS - 1)]
    for attempt, wait in enumerate(waits, start=1):
        assert await worker.run_once() == 1
        row = await timer(db, timer_id)
        assert (row["status"], row["attempts"]) == ("pending", attempt)
        assert row["due_at"] == clock.now() + timedelta(seconds=wait)
        assert row["last_error"]["message"] == "timer 1 fails" and row["fired_at"] is None
        clock.advance(timedelta(seconds=wait - 1))
        assert await worker.run_once() == 0
        clock.advance(timedelta(seconds=1))
    assert await worker.run_once() == 1
    row = await timer(db, timer_id)
    assert (row["status"], row["attempts"]) == ("failed", timer_module.MAX_ATTEMPTS)
    clock.advance(timedelta(days=1))
    assert await worker.run_once() == 0
    assert await fired(db) == []  # each attempt's writes were rolled back with its savepoint


async def test_one_failing_timer_does_not_roll_back_its_batch_mates(db, worker, clock):
    async with db.transaction() as conn:
        for n in (1, 2, 3):
            await schedule(conn, "test.probe", clock.now(), {"n": n, "fail": n == 2})
    assert await worker.run_once() == 3
    assert await fired(db) == [1, 3]
    async with db.transaction(write=False) as conn:
        rows = (await conn.execute(select(timers.c.status, timers.c.attempts).order_by(timers.c.id))).all()
    assert [tuple(r) for r in rows] == [("done", 1), ("pending", 1), ("done", 1)]


async def test_two_workers_fire_each_of_a_thousand_timers_exactly_once(backend, settings, db, clock):
    if backend != "postgresql":
        pytest.skip("concurrent claiming by several processes is PostgreSQL's (SQLite has one writer)")
    async with db.transaction() as conn:
        await conn.execute(timers.insert(), [
            {"kind": "test.probe", "due_at": clock.now(), "payload": {"n": n}, "status": "pending", "attempts": 0,
             "created_at": clock.now()} for n in range(1000)
        ])
    engines = [Database(settings.database_url), Database(settings.database_url)]
    workers = [Worker(engine, clock, settings, name=f"w{i}") for i, engine in enumerate(engines)]

    async def pending() -> int:
        async with db.transaction(write=False) as conn:
            return (await conn.execute(select(func.count()).select_from(timers).where(timers.c.status == "pending"))
                    ).scalar_one()

    async def drain(w: Worker) -> None:
        deadline = time.monotonic() + 60
        while await w.run_once() or await pending():
            assert time.monotonic() < deadline
            await asyncio.sleep(0)

    try:
        await asyncio.gather(*(drain(w) for w in workers))
    finally:
        for engine in engines:
            await engine.dispose()
    async with db.transaction(write=False) as conn:
        total, distinct = (await conn.execute(text("SELECT count(*), count(DISTINCT n) FROM worker_probe"))).one()
        by_worker = dict((await conn.execute(text("SELECT worker, count(*) FROM worker_probe GROUP BY worker"))).all())
    assert (total, distinct) == (1000, 1000)
    assert set(by_worker) == {"w0", "w1"}, by_worker  # both took part


async def test_the_serving_process_runs_the_worker_and_wakes_it_for_work_due_now(db, settings, clock):
    from qiqiao.app import create_app

    serving = settings.model_copy(update={"run_worker": True, "worker_poll_seconds": 30.0})
    app = create_app(serving, clock=clock)
    async with app.router.lifespan_context(app):
        async with app.state.db.transaction() as conn:
            await schedule(conn, "test.probe", clock.now(), {"n": 1})

        async def done() -> bool:
            return await fired(db) == [1]

        await eventually(done, timeout=10, what="the timer (long before the 30 s poll)")
    # leaving the lifespan stopped the loop (it would otherwise hang the test's event loop)


# -- the outbox -----------------------------------------------------------------------------------


async def test_enqueueing_a_key_twice_keeps_one_delivery(db, clock):
    async with db.transaction() as conn:
        first = await enqueue(conn, "test.flaky", {"n": 1}, "order-7-paid")
        second = await enqueue(conn, "test.flaky", {"n": 2}, "order-7-paid")
    assert first == second
    assert (await delivery(db, first))["payload"] == {"n": 1}


async def test_a_failing_delivery_backs_off_then_is_delivered(db, worker, clock):
    async with db.transaction() as conn:
        outbox_id = await enqueue(conn, "test.flaky", {"fail_times": 2}, "flaky-1")
    assert await worker.run_once() == 1
    row = await delivery(db, outbox_id)
    assert (row["status"], row["attempts"], row["locked_by"]) == ("failed", 1, None)
    assert row["next_attempt_at"] == clock.now() + timedelta(seconds=outbox_module.RETRY_BASE_SECONDS)
    assert row["last_error"]["message"] == "attempt 1 fails"
    clock.advance(timedelta(seconds=outbox_module.RETRY_BASE_SECONDS - 1))
    assert await worker.run_once() == 0
    clock.advance(timedelta(seconds=1))
    assert await worker.run_once() == 1
    assert (await delivery(db, outbox_id))["next_attempt_at"] == clock.now() + timedelta(
        seconds=2 * outbox_module.RETRY_BASE_SECONDS)
    clock.advance(timedelta(seconds=2 * outbox_module.RETRY_BASE_SECONDS))
    assert await worker.run_once() == 1
    row = await delivery(db, outbox_id)
    assert (row["status"], row["attempts"], row["delivered_at"]) == ("delivered", 3, clock.now())
    assert row["result"] == {"attempt": 3, "key": "flaky-1"} and row["last_error"] is None


async def test_a_delivery_that_keeps_failing_ends_dead_and_can_be_replayed(db, worker, clock):
    async with db.transaction() as conn:
        hopeless = await enqueue(conn, "test.flaky", {"fail_times": 10_000}, "hopeless")
        refused = await enqueue(conn, "test.flaky", {"permanent": True}, "refused")
        fine = await enqueue(conn, "test.flaky", {}, "fine")
    for _ in range(outbox_module.MAX_ATTEMPTS):
        await worker.run_once()
        clock.advance(timedelta(seconds=outbox_module.RETRY_CAP_SECONDS))
    assert await worker.run_once() == 0
    assert [(await delivery(db, i))["status"] for i in (hopeless, refused, fine)] == ["dead", "dead", "delivered"]
    assert (await delivery(db, hopeless))["attempts"] == outbox_module.MAX_ATTEMPTS
    assert (await delivery(db, refused))["attempts"] == 1  # a permanent failure is not retried
    async with db.transaction() as conn:
        assert await replay(conn, hopeless) and not await replay(conn, fine)
    await worker.run_once()
    assert (await delivery(db, hopeless))["attempts"] == 1


async def test_a_delivery_whose_worker_died_is_taken_over_when_its_lease_runs_out(db, clock, settings):
    async with db.transaction() as conn:
        outbox_id = await enqueue(conn, "test.flaky", {}, "lease-1")
    dead, alive = Worker(db, clock, settings, name="dead"), Worker(db, clock, settings, name="alive")
    [claimed] = await outbox_module._claim(dead.context, 10)  # claimed, then the process "dies"
    assert (await delivery(db, outbox_id))["locked_by"] == "dead"
    assert await alive.run_once() == 0
    clock.advance(timedelta(seconds=settings.outbox_lease_seconds + 1))
    assert await alive.run_once() == 1
    row = await delivery(db, outbox_id)
    assert (row["status"], row["attempts"], row["result"]["key"]) == ("delivered", 2, "lease-1")
    await outbox_module._settle(dead.context, claimed, status="failed")  # a late word from the old owner
    assert (await delivery(db, outbox_id))["status"] == "delivered"


class Receiver:
    """A loopback HTTP server recording every request (path, idempotency key, body)."""

    def __init__(self, status: int = 200, delay: float = 0.0) -> None:
        self.status, self.delay = status, delay
        self.seen: list[tuple[str, str | None, bytes]] = []
        self.headers: list[dict[str, str]] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                expected = int(self.headers.get("content-length") or 0)
                body = self.rfile.read(expected)
                if len(body) < expected:  # the sender died mid-request: a real server would drop it too
                    return
                with receiver.lock:
                    receiver.seen.append((self.path, self.headers.get("idempotency-key"), body))
                    receiver.headers.append({k.lower(): v for k, v in self.headers.items()})
                time.sleep(receiver.delay)
                try:
                    self.send_response(receiver.status)
                    self.send_header("content-length", "2")
                    self.end_headers()
                    self.wfile.write(b"ok")
                except OSError:  # the worker was killed while we waited
                    pass

            def log_message(self, *args) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> "Receiver":
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.server.shutdown()
        self.server.server_close()
        self.thread.join(timeout=5)

    def count(self) -> int:
        with self.lock:
            return len(self.seen)


@pytest.fixture
def loopback_settings(settings):
    return settings.model_copy(update={"outbound_allow_cidrs": ["127.0.0.1/32"]})


async def test_http_deliveries_carry_the_idempotency_key_and_retry_on_errors(db, clock, loopback_settings):
    worker = Worker(db, clock, loopback_settings)
    with Receiver(status=500) as receiver:
        async with db.transaction() as conn:
            outbox_id = await enqueue(conn, "http", {"method": "POST", "url": f"{receiver.url}/hook",
                                                     "headers": {"X-Event": "deal.won", "Host": "evil"},
                                                     "json": {"deal": 7}}, "deal-7-won")
        assert await worker.run_once() == 1
        row = await delivery(db, outbox_id)
        assert (row["status"], row["last_error"]["code"]) == ("failed", "outbound_failed")
        receiver.status = 204
        clock.advance(timedelta(seconds=outbox_module.RETRY_BASE_SECONDS))
        assert await worker.run_once() == 1
    row = await delivery(db, outbox_id)
    assert (row["status"], row["result"]) == ("delivered", {"status": 204})
    assert [(path, key, json.loads(body)) for path, key, body in receiver.seen] == [
        ("/hook", "deal-7-won", {"deal": 7}), ("/hook", "deal-7-won", {"deal": 7})]


async def test_http_deliveries_to_private_addresses_are_refused_without_retry(db, worker, clock):
    with Receiver() as receiver:
        async with db.transaction() as conn:  # the default settings allow no private network
            loopback = await enqueue(conn, "http", {"url": f"{receiver.url}/hook", "json": {}}, "k1")
            metadata = await enqueue(conn, "http", {"url": "http://169.254.169.254/latest/meta-data/"}, "k2")
            scheme = await enqueue(conn, "http", {"url": "file:///etc/passwd"}, "k3")
            malformed = await enqueue(conn, "http", {"url": f"{receiver.url}/hook", "headers": {"a": 1}}, "k4")
        assert await worker.run_once() == 4
    for outbox_id in (loopback, metadata, scheme, malformed):
        row = await delivery(db, outbox_id)
        assert (row["status"], row["attempts"]) == ("dead", 1), row
    assert (await delivery(db, loopback))["last_error"]["code"] == "outbound_refused"
    assert receiver.seen == []


# -- real processes, killed -----------------------------------------------------------------------


class WorkerProcess:
    """`python -m qiqiao worker` against the test's database, killed by PID when the test ends."""

    def __init__(self, settings, tmp_path: Path, **env: str) -> None:
        self.settings, self.tmp_path, self.env = settings, tmp_path, env
        self.proc: subprocess.Popen | None = None
        self.runs = 0

    def start(self) -> None:
        self.runs += 1
        env = {**os.environ, "QIQIAO_DATABASE_URL": self.settings.database_url, "QIQIAO_SECRET_KEY": TEST_SECRET,
               "QIQIAO_VAR_DIR": str(self.tmp_path / "worker-var"), "QIQIAO_PLUGINS": "tests.api.worker_plugin",
               "QIQIAO_WORKER_POLL_SECONDS": "0.05", "QIQIAO_LOG_LEVEL": "warning", **self.env}
        self.log = open(self.tmp_path / f"worker-{self.runs}.log", "wb")
        self.proc = subprocess.Popen([sys.executable, "-m", "qiqiao", "worker"], cwd=ROOT, env=env,
                                     stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)

    def signal(self, signum: int) -> int:
        assert self.proc is not None and self.proc.poll() is None, self.output()
        self.proc.send_signal(signum)
        return self.proc.wait(timeout=30)

    def output(self) -> str:
        return "\n".join(p.read_text(errors="replace")[-3000:] for p in sorted(self.tmp_path.glob("worker-*.log")))

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=30)
        if self.proc is not None:
            self.log.close()


@pytest.fixture
def worker_process(settings, tmp_path):
    started: list[WorkerProcess] = []

    def make(**env: str) -> WorkerProcess:
        started.append(WorkerProcess(settings, tmp_path, **env))
        return started[-1]

    yield make
    for process in started:
        process.stop()


async def test_a_worker_killed_mid_batch_loses_and_repeats_no_timer(db, clock, tmp_path, worker_process):
    marker = tmp_path / "timer-30-started"
    async with db.transaction() as conn:
        for n in range(60):
            payload = {"n": n, "sleep": 0.01, **({"hang_once": str(marker)} if n == 30 else {})}
            await schedule(conn, "test.probe", clock.now() - timedelta(seconds=1), payload)
    process = worker_process()
    process.start()

    async def hanging() -> bool:
        assert process.proc.poll() is None, process.output()
        return marker.exists()

    await eventually(hanging, what="timer 30 to start")
    assert process.signal(signal.SIGKILL) == -signal.SIGKILL
    before = await fired(db)
    # Whole batches committed before the kill; the batch of timer 30 left nothing behind.
    assert len(before) >= 10 and before == list(range(len(before))) and 30 not in before

    process.start()

    async def all_fired() -> bool:
        assert process.proc.poll() is None, process.output()
        return len(await fired(db)) >= 60

    await eventually(all_fired, what="every timer to fire")
    assert process.signal(signal.SIGTERM) == 0, process.output()
    assert await fired(db) == list(range(60))
    async with db.transaction(write=False) as conn:
        statuses = (await conn.execute(select(timers.c.status, func.count()).group_by(timers.c.status))).all()
    assert dict(statuses) == {"done": 60}


async def test_a_worker_killed_mid_delivery_delivers_everything_at_least_once(db, clock, tmp_path, worker_process):
    with Receiver(delay=0.5) as receiver:
        async with db.transaction() as conn:
            ids = [await enqueue(conn, "http", {"url": f"{receiver.url}/hook/{n}", "json": {"n": n}}, f"hook-{n}")
                   for n in range(30)]
        process = worker_process(QIQIAO_OUTBOUND_ALLOW_CIDRS="127.0.0.1/32", QIQIAO_OUTBOX_LEASE_SECONDS="3")
        process.start()

        async def some_received() -> bool:
            assert process.proc.poll() is None, process.output()
            return receiver.count() >= 5

        await eventually(some_received, what="deliveries to start")
        process.signal(signal.SIGKILL)
        async with db.transaction(write=False) as conn:
            statuses = set((await conn.execute(select(outbox.c.status))).scalars())
        assert "running" in statuses  # deliveries were in flight when it died

        process.start()

        async def all_delivered() -> bool:
            assert process.proc.poll() is None, process.output()
            async with db.transaction(write=False) as conn:
                return (await conn.execute(select(func.count()).select_from(outbox)
                                           .where(outbox.c.status == "delivered"))).scalar_one() == len(ids)

        await eventually(all_delivered, what="every delivery")
        assert process.signal(signal.SIGTERM) == 0, process.output()
    by_key: dict[str, list[tuple[str, bytes]]] = {}
    for path, key, body in receiver.seen:
        by_key.setdefault(key, []).append((path, body))
    assert set(by_key) == {f"hook-{n}" for n in range(30)}
    for n in range(30):  # every attempt of a delivery carried the same key and the same bytes
        assert {(p, json.loads(b)["n"]) for p, b in by_key[f"hook-{n}"]} == {(f"/hook/{n}", n)}
    assert any(len(attempts) > 1 for attempts in by_key.values())  # the in-flight ones came again
