"""/api/apps/{app}/reports and /dashboards — managing definitions (reading their data is runtime/reports)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from builder.reports import service
from builder.reports.schemas import DashboardIn, DashboardUpdate, ReportIn, ReportUpdate
from runtime.identity.deps import ClockDep, Conn, CurrentActor

router = APIRouter(prefix="/api/apps/{app_key}", tags=["reports"])


@router.get("/reports")
async def list_reports(app_key: str, conn: Conn, actor: CurrentActor) -> dict:
    return {"items": await service.list_reports(conn, actor, app_key)}


@router.post("/reports", status_code=201)
async def create_report(app_key: str, body: ReportIn, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.create_report(conn, clock, actor, app_key, body)


@router.get("/reports/{report_id}")
async def get_report(app_key: str, report_id: int, conn: Conn, actor: CurrentActor) -> dict:
    return await service.get_report(conn, actor, app_key, report_id)


@router.put("/reports/{report_id}")
async def update_report(app_key: str, report_id: int, body: ReportUpdate, conn: Conn, actor: CurrentActor,
                        clock: ClockDep) -> dict:
    return await service.update_report(conn, clock, actor, app_key, report_id, body)


@router.delete("/reports/{report_id}", status_code=204)
async def delete_report(app_key: str, report_id: int, conn: Conn, actor: CurrentActor) -> Response:
    await service.delete_report(conn, actor, app_key, report_id)
    return Response(status_code=204)


@router.post("/dashboards", status_code=201)
async def create_dashboard(app_key: str, body: DashboardIn, conn: Conn, actor: CurrentActor, clock: ClockDep) -> dict:
    return await service.create_dashboard(conn, clock, actor, app_key, body)


@router.put("/dashboards/{dashboard_id}")
async def update_dashboard(app_key: str, dashboard_id: int, body: DashboardUpdate, conn: Conn, actor: CurrentActor,
                           clock: ClockDep) -> dict:
    return await service.update_dashboard(conn, clock, actor, app_key, dashboard_id, body)


@router.delete("/dashboards/{dashboard_id}", status_code=204)
async def delete_dashboard(app_key: str, dashboard_id: int, conn: Conn, actor: CurrentActor) -> Response:
    await service.delete_dashboard(conn, actor, app_key, dashboard_id)
    return Response(status_code=204)
