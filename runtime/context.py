"""Who is acting and from where: handed from the web layer to every service call."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RequestMeta:
    ip: str | None = None
    user_agent: str | None = None
    request_id: str | None = None


@dataclass(frozen=True)
class Principal:
    """An authenticated user as the permission gate sees them."""

    id: int
    username: str
    display_name: str
    locale: str = "zh-CN"
    roles: frozenset[str] = field(default_factory=frozenset)
    department_ids: tuple[int, ...] = ()
    is_external: bool = False
    auth: str = "session"  # "session" | "token" | "system"
    session_id: int | None = None
    token_id: int | None = None
    read_only: bool = False  # an API token narrowed to reading
    app_keys: frozenset[str] | None = None  # an API token narrowed to these apps (None: all)
    rate_per_minute: int | None = None  # an API token's own request rate (None: the platform's default)
    # A standing frozen at some moment (a public dashboard link): exactly these app roles, instead
    # of the roles held now through the user, their departments and platform roles.
    app_role_ids: frozenset[int] | None = None

    @property
    def is_admin(self) -> bool:
        return "admin" in self.roles


@dataclass(frozen=True)
class Actor:
    """The principal (or None for anonymous/system work) plus request metadata, for audit."""

    principal: Principal | None
    meta: RequestMeta = RequestMeta()

    @property
    def id(self) -> int | None:
        return self.principal.id if self.principal else None

    @property
    def name(self) -> str | None:
        return self.principal.username if self.principal else None


SYSTEM = Actor(None, RequestMeta(ip=None, user_agent="qiqiao-system"))


def system_actor(user_id: int, name: str, agent: str) -> Actor:
    """Work done by the platform itself (a flow's automation, an inbound webhook) with full rights
    over the app, in the name of `user_id` (created_by, history), marked `system` in the audit."""
    principal = Principal(id=user_id, username=name, display_name=name, roles=frozenset({"admin"}), auth="system")
    return Actor(principal, RequestMeta(user_agent=agent))
