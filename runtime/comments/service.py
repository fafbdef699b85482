"""Reading and writing comments on one record. The caller opens the form through the permission
gate; here the record must be in the user's scope, writing needs the `comment` action, and a
comment is changed only by its author (removed also by an app admin or a `manage` holder).

Bodies are plain text: control characters other than newline and tab are dropped, and clients
render the text as text, never as HTML."""

from __future__ import annotations

import re
from typing import Any

from core.errors import Forbidden, Invalid, NotFound
from runtime.audit import service as audit
from runtime.comments import repository as repo
from runtime.records import service as records
from runtime.records.service import Target

MAX_BODY = 5000
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # C0 except tab/newline, DEL, C1


def clean_body(text: str) -> str:
    """The stored form of a comment body; 422 when nothing (or too much) remains."""
    body = _CONTROL.sub("", text.replace("\r\n", "\n")).strip()
    if not body:
        raise Invalid("A comment needs some text.", [{"path": "body", "message": "Write something.",
                                                      "message_zh": "请输入评论内容。"}], detail_zh="评论内容不能为空。")
    if len(body) > MAX_BODY:
        raise Invalid("The comment is too long.", [{"path": "body", "message": f"At most {MAX_BODY} characters.",
                                                    "message_zh": f"最多 {MAX_BODY} 个字符。"}],
                      detail_zh="评论内容过长。")
    return body


async def _check_mentions(t: Target, mentions: list[int]) -> list[int]:
    active = await repo.active_user_ids(t.conn, set(mentions))
    errors = [{"path": f"mentions.{i}", "message": "Not an active user.", "message_zh": "不是在职用户。"}
              for i, user_id in enumerate(mentions) if user_id not in active]
    if errors:
        raise Invalid("Some mentioned users do not exist.", errors, detail_zh="提及的用户不存在。")
    return list(dict.fromkeys(mentions))


async def _out(t: Target, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    ids = {r["author_id"] for r in rows if r["author_id"] is not None}
    ids |= {m for r in rows for m in r["mentions"] or []}
    names = await repo.display_names(t.conn, ids)
    return [
        {
            "id": r["id"],
            "author": {"id": r["author_id"], "display_name": names[r["author_id"]]} if r["author_id"] in names else None,
            "body": r["body"],
            "mentions": [{"id": m, "display_name": names[m]} for m in r["mentions"] or [] if m in names],
            "created_at": r["created_at"],
            "edited_at": r["edited_at"],
        }
        for r in rows
    ]


async def _comment(t: Target, record_id: int, comment_id: int) -> dict[str, Any]:
    await records.get(t, record_id)  # 404 outside the user's scope
    row = await repo.comment(t.conn, t.loaded.form_id, record_id, comment_id)
    if row is None:
        raise NotFound("comment")
    return row


def _audit_after(t: Target, record_id: int, **extra: Any) -> dict[str, Any]:
    return {"form": t.audit_target, "record_id": record_id, **extra}


async def list_comments(t: Target, record_id: int) -> list[dict[str, Any]]:
    await records.get(t, record_id)
    return await _out(t, await repo.comments_of(t.conn, t.loaded.form_id, record_id))


async def add_comment(t: Target, record_id: int, body: str, mentions: list[int]) -> dict[str, Any]:
    if not t.scope.allows("comment"):
        raise Forbidden("You may not comment on records of this form.", detail_zh="您没有评论此表单数据的权限。")
    await records.get(t, record_id)
    text = clean_body(body)
    mentioned = await _check_mentions(t, mentions)
    now = t.clock.now()
    comment_id = await repo.insert_comment(t.conn, form_id=t.loaded.form_id, record_id=record_id, author_id=t.actor.id,
                                           body=text, mentions=mentioned, created_at=now)
    audit.record(t.conn, t.actor, "comment.create", target_type="record_comment", target_id=comment_id,
                 after=_audit_after(t, record_id, body=text, mentions=mentioned))
    row = {"id": comment_id, "author_id": t.actor.id, "body": text, "mentions": mentioned, "created_at": now,
           "edited_at": None}
    return (await _out(t, [row]))[0]


async def edit_comment(t: Target, record_id: int, comment_id: int, body: str) -> dict[str, Any]:
    if not t.scope.allows("comment"):
        raise Forbidden("You may not comment on records of this form.", detail_zh="您没有评论此表单数据的权限。")
    row = await _comment(t, record_id, comment_id)
    if row["author_id"] != t.actor.id:
        raise Forbidden("Only its author may edit a comment.", detail_zh="只有评论的作者可以编辑评论。")
    text = clean_body(body)
    now = t.clock.now()
    await repo.update_comment(t.conn, comment_id, body=text, edited_at=now)
    audit.record(t.conn, t.actor, "comment.update", target_type="record_comment", target_id=comment_id,
                 before=_audit_after(t, record_id, body=row["body"]), after=_audit_after(t, record_id, body=text))
    return (await _out(t, [{**row, "body": text, "edited_at": now}]))[0]


async def delete_comment(t: Target, record_id: int, comment_id: int) -> None:
    row = await _comment(t, record_id, comment_id)
    moderator = t.scope.is_app_admin or t.scope.allows("manage")
    if row["author_id"] != t.actor.id and not moderator:
        raise Forbidden("Only its author or an app administrator may delete a comment.",
                        detail_zh="只有评论的作者或应用管理员可以删除评论。")
    await repo.update_comment(t.conn, comment_id, deleted_at=t.clock.now())
    audit.record(t.conn, t.actor, "comment.delete", target_type="record_comment", target_id=comment_id,
                 before=_audit_after(t, record_id, body=row["body"], author_id=row["author_id"]))
