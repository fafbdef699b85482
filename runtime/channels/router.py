"""/api/admin/settings/email (administrators) and /api/auth/me/channels (each user's own)."""

from __future__ import annotations

import uuid
from typing import Literal

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, EmailStr, Field, ValidationInfo, field_validator, validate_email

from runtime.channels import robots, service
from runtime.identity.deps import AdminActor, ClockDep, Conn, CurrentActor, SettingsDep

router = APIRouter(tags=["channels"])


class EmailSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")
    host: str = Field(min_length=1, max_length=255, pattern=r"^[A-Za-z0-9.\-:\[\]]+$")
    port: int = Field(587, ge=1, le=65535)
    security: Literal["starttls", "ssl", "none"] = "starttls"
    username: str | None = Field(None, max_length=255)
    password: str | None = Field(None, max_length=500, description="omit to keep the stored one; empty to remove it")
    from_address: EmailStr
    from_name: str | None = Field(None, max_length=100)


class TestMail(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: EmailStr


class ChannelIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    kind: Literal["email", "dingtalk", "wecom", "feishu"]
    target: str = Field(min_length=3, max_length=2000, description="an e-mail address, or the robot's webhook URL")
    secret: str | None = Field(None, max_length=500, description="the robot's signing secret (DingTalk, Feishu)")

    @field_validator("target")
    @classmethod
    def _target(cls, value: str, info: ValidationInfo) -> str:
        if info.data.get("kind") == "email":
            validate_email(value)  # raises with the reason
        return value

    @field_validator("secret")
    @classmethod
    def _secret(cls, value: str | None, info: ValidationInfo) -> str | None:
        if value is not None and info.data.get("kind") in ("email", "wecom"):
            raise ValueError("this kind of channel takes no signing secret")
        return value


@router.get("/api/admin/settings/email")
async def get_email_settings(conn: Conn, _: AdminActor) -> dict:
    return await service.email_settings(conn)


@router.put("/api/admin/settings/email")
async def put_email_settings(body: EmailSettings, conn: Conn, actor: AdminActor, clock: ClockDep,
                             settings: SettingsDep) -> dict:
    return await service.save_email_settings(conn, clock, settings, actor, body.model_dump(mode="json"))


@router.post("/api/admin/settings/email/test", status_code=202)
async def test_email(body: TestMail, conn: Conn, actor: AdminActor, clock: ClockDep) -> dict:
    outbox_id = await service.send_email(conn, clock, [body.to], "Qiqiao test e-mail / 七巧测试邮件",
                                         "If you read this, e-mail from Qiqiao works.\n收到此邮件说明七巧的邮件设置可用。",
                                         f"email-test:{uuid.uuid4().hex}")
    return {"outbox_id": outbox_id}


@router.get("/api/auth/me/channels")
async def list_channels(conn: Conn, actor: CurrentActor) -> dict:
    return {"items": await service.my_channels(conn, actor.id), "kinds": ["email", *robots.KINDS]}


@router.post("/api/auth/me/channels", status_code=201)
async def add_channel(body: ChannelIn, conn: Conn, actor: CurrentActor, clock: ClockDep, settings: SettingsDep) -> dict:
    return await service.add_channel(conn, clock, settings, actor, body.model_dump())


@router.delete("/api/auth/me/channels/{channel_id}", status_code=204)
async def remove_channel(channel_id: int, conn: Conn, actor: CurrentActor) -> Response:
    await service.remove_channel(conn, actor, channel_id)
    return Response(status_code=204)
