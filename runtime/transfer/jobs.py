"""Background jobs run as asyncio tasks in the serving process, their state kept in `jobs`.

A job row is created in the request's unit of work and its task is started only after that
commits. Each step of the work opens its own transaction through `Database.transaction()`;
progress that lives inside one long transaction (all-or-nothing imports, dry runs) is also kept
in memory so a status request in this process sees it move.

Any number of processes may serve one database, so a job says whose it is: its task records
`locked_by` (this process) and refreshes `heartbeat_at` every few seconds while it waits and runs.
A process that dies stops the heartbeat; `fail_stale_jobs` (at start-up and in every worker's
sweep) then marks its jobs failed, and only those: a live job of another process is left alone.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any, Awaitable, Callable

import structlog
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from core.clock import Clock
from core.db import Database
from core.errors import AppError, NotFound
from runtime.context import Actor
from runtime.tables.jobs import jobs
from runtime.worker.context import PROCESS_NAME

log = structlog.get_logger("qiqiao.jobs")

_TASKS: set[asyncio.Task] = set()
_LIVE: dict[int, dict[str, Any]] = {}  # job id → {"progress": n, "phase": …} while running here
_HERE: set[int] = set()  # ids of the jobs this process has taken on
_MAX_CONCURRENT = 2
HEARTBEAT_SECONDS = 10.0
INTERRUPTED = {"code": "interrupted", "detail": "The server stopped before the job finished; run it again.",
               "detail_zh": "任务完成前服务器已停止，请重新运行。"}
_semaphores: dict[int, asyncio.Semaphore] = {}  # per event loop


async def create_job(conn: AsyncConnection, clock: Clock, actor: Actor, kind: str, total: int | None,
                     params: dict[str, Any]) -> int:
    now = clock.now()
    return (
        await conn.execute(
            insert(jobs).values(kind=kind, status="queued", progress=0, total=total, params=params,
                                created_by=actor.id, created_at=now, updated_at=now).returning(jobs.c.id)
        )
    ).scalar_one()


async def get_job(conn: AsyncConnection, actor: Actor, job_id: int) -> dict[str, Any]:
    """The job as its creator (or an administrator) sees it; anyone else gets 404."""
    row = (await conn.execute(select(jobs).where(jobs.c.id == job_id))).mappings().first()
    principal = actor.principal
    if row is None or principal is None or (row["created_by"] != principal.id and not principal.is_admin):
        raise NotFound("job")
    out = {k: row[k] for k in ("id", "kind", "status", "progress", "total", "result", "error", "created_at",
                               "updated_at", "finished_at")}
    live = _LIVE.get(job_id)
    if live and out["status"] in ("queued", "running"):
        out.update(status="running", **live)
    out["params"] = {k: v for k, v in (row["params"] or {}).items() if not k.startswith("_")}
    return out


async def set_progress(conn: AsyncConnection, clock: Clock, job_id: int, progress: int, **extra: Any) -> None:
    await conn.execute(update(jobs).where(jobs.c.id == job_id).values(progress=progress, updated_at=clock.now(), **extra))


def live_progress(job_id: int, progress: int, phase: str) -> None:
    _LIVE[job_id] = {"progress": progress, "phase": phase}


async def finish(db: Database, clock: Clock, job_id: int, *, result: dict[str, Any] | None = None,
                 error: dict[str, Any] | None = None, progress: int | None = None) -> None:
    now = clock.now()
    values: dict[str, Any] = {"status": "failed" if error else "done", "result": result, "error": error,
                              "updated_at": now, "finished_at": now}
    if progress is not None:
        values["progress"] = progress
    async with db.transaction() as conn:
        await conn.execute(update(jobs).where(jobs.c.id == job_id).values(**values))


def start(db: Database, clock: Clock, job_id: int, work: Callable[[], Awaitable[dict[str, Any]]]) -> asyncio.Task:
    """Runs `work` in a task of the current loop; its return value becomes the job's result.

    Call this only after the unit of work that created the job row has committed (a background
    task of the response does that): the task's first transaction must see the row.
    """

    async def run() -> None:
        semaphore = _semaphores.setdefault(id(asyncio.get_running_loop()), asyncio.Semaphore(_MAX_CONCURRENT))
        heartbeat: asyncio.Task | None = None
        _HERE.add(job_id)
        try:
            async with db.transaction() as conn:  # ours from now on, even while it waits its turn
                await conn.execute(update(jobs).where(jobs.c.id == job_id)
                                   .values(locked_by=PROCESS_NAME, heartbeat_at=clock.now()))
            heartbeat = asyncio.get_running_loop().create_task(_beat(db, clock, job_id), name=f"job-{job_id}-heartbeat")
            async with semaphore:
                async with db.transaction() as conn:
                    await conn.execute(update(jobs).where(jobs.c.id == job_id)
                                       .values(status="running", updated_at=clock.now()))
                live_progress(job_id, 0, "starting")
                result = await work()
            await finish(db, clock, job_id, result=result, progress=_LIVE.get(job_id, {}).get("progress"))
        except asyncio.CancelledError:
            await _fail_quietly(db, clock, job_id, INTERRUPTED)
            raise
        except AppError as exc:
            await _fail_quietly(db, clock, job_id, exc.to_problem())
        except Exception:
            log.exception("job failed", job_id=job_id)
            await _fail_quietly(db, clock, job_id, {"code": "internal_error", "detail": "The job failed unexpectedly."})
        finally:
            if heartbeat is not None:
                heartbeat.cancel()
            _HERE.discard(job_id)
            _LIVE.pop(job_id, None)

    task = asyncio.get_running_loop().create_task(run(), name=f"job-{job_id}")
    _TASKS.add(task)
    task.add_done_callback(_TASKS.discard)
    return task


async def _fail_quietly(db: Database, clock: Clock, job_id: int, error: dict[str, Any]) -> None:
    try:
        await finish(db, clock, job_id, error=error)
    except Exception:  # the database may be going away with the process; start-up recovery covers it
        log.warning("could not record the job's failure", job_id=job_id)


async def _beat(db: Database, clock: Clock, job_id: int) -> None:
    """Tells other processes the job is alive, until cancelled when it ends."""
    while True:
        await asyncio.sleep(HEARTBEAT_SECONDS)
        try:
            async with db.transaction() as conn:
                await conn.execute(update(jobs).where(jobs.c.id == job_id, jobs.c.locked_by == PROCESS_NAME)
                                   .values(heartbeat_at=clock.now()))
        except Exception:  # the next beat may get through; a long silence makes the job stale
            log.warning("job heartbeat not recorded", job_id=job_id)


async def fail_stale_jobs(conn: AsyncConnection, clock: Clock, stale_after: float) -> list[int]:
    """Marks failed the queued or running jobs whose process has not been heard of for
    `stale_after` seconds (no heartbeat since; or, never taken on, created that long ago)."""
    now = clock.now()
    cutoff = now - timedelta(seconds=stale_after)
    statement = update(jobs).where(jobs.c.status.in_(("queued", "running")),
                                   func.coalesce(jobs.c.heartbeat_at, jobs.c.created_at) < cutoff)
    if _HERE:  # never our own, whatever the clock says
        statement = statement.where(jobs.c.id.not_in(sorted(_HERE)))
    result = await conn.execute(statement.values(status="failed", updated_at=now, finished_at=now, error=INTERRUPTED)
                                .returning(jobs.c.id))
    failed = list(result.scalars())
    if failed:
        log.warning("jobs of a stopped process marked failed", job_ids=failed)
    return failed


async def stop_all(timeout: float = 5.0) -> None:
    """At shutdown: cancel running jobs (each records itself as interrupted)."""
    tasks = list(_TASKS)
    for task in tasks:
        task.cancel()
    if tasks:
        await asyncio.wait(tasks, timeout=timeout)


async def wait_all() -> None:
    """Tests and benchmarks: wait until every job of this process has finished."""
    while _TASKS:
        await asyncio.gather(*list(_TASKS), return_exceptions=True)
