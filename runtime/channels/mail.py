"""E-mail over SMTP with the server the administrators set (settings key "email"): plain or
STARTTLS or implicit TLS, verified certificates, a login when a user name is set. Sent by the
outbox worker outside any transaction (kind "email"), retried like every delivery."""

from __future__ import annotations

import asyncio
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from typing import Any

from sqlalchemy import select

from core.crypto import unseal
from runtime.tables.channels import platform_settings
from runtime.worker.context import PermanentFailure, WorkContext
from runtime.worker.outbox import delivery_handler

TIMEOUT = 30.0


def compose(settings: dict[str, Any], to: list[str], subject: str, text: str, html: str | None = None,
            message_id: str | None = None, attachments: list[tuple[str, str, bytes]] = ()) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr((settings.get("from_name") or "Qiqiao", settings["from_address"]))
    message["To"] = ", ".join(to)
    message["Subject"] = subject
    message["Message-ID"] = message_id or make_msgid(domain=settings["from_address"].rsplit("@", 1)[-1])
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    for filename, media_type, content in attachments:
        maintype, _, subtype = media_type.partition("/")
        message.add_attachment(content, maintype=maintype, subtype=subtype, filename=filename)
    return message


def _send(settings: dict[str, Any], password: str | None, message: EmailMessage) -> None:
    context = ssl.create_default_context()
    security = settings.get("security", "starttls")
    if security == "ssl":
        client: smtplib.SMTP = smtplib.SMTP_SSL(settings["host"], settings["port"], timeout=TIMEOUT, context=context)
    else:
        client = smtplib.SMTP(settings["host"], settings["port"], timeout=TIMEOUT)
    with client:
        client.ehlo()
        if security == "starttls":
            client.starttls(context=context)
            client.ehlo()
        if settings.get("username"):
            client.login(settings["username"], password or "")
        client.send_message(message)


async def send(ctx: WorkContext, to: list[str], subject: str, text: str, html: str | None = None,
               attachments: list[tuple[str, str, bytes]] = ()) -> None:
    """One message through the SMTP server the administrators set; outside any transaction."""
    async with ctx.db.transaction(write=False) as conn:
        stored = (await conn.execute(select(platform_settings.c.value).where(platform_settings.c.key == "email"))).scalar()
    if not stored or not stored.get("host"):
        raise PermanentFailure("No SMTP server is set (admin settings → e-mail).")
    password = unseal(ctx.settings.secret, stored["password_sealed"]) if stored.get("password_sealed") else None
    message = compose(stored, to, subject, text, html, f"<{ctx.key}@qiqiao>" if ctx.key else None, attachments)
    try:
        await asyncio.to_thread(_send, stored, password, message)
    except smtplib.SMTPRecipientsRefused as exc:
        raise PermanentFailure(f"The SMTP server refused the recipients: {list(exc.recipients)[:5]}") from None
    except smtplib.SMTPAuthenticationError:
        raise PermanentFailure("The SMTP server refused the user name and password.") from None


@delivery_handler("email")
async def deliver_email(payload: dict, ctx: WorkContext) -> dict[str, Any]:
    await send(ctx, payload["to"], payload["subject"], payload["text"], payload.get("html"))
    return {"to": len(payload["to"])}
