"""Outbound HTTP safe against server-side request forgery (SSRF).

A URL a user typed (a webhook, an HTTP node) must not reach the platform's own network: the
database, the cloud metadata service, an admin port on localhost. String checks on host names
are not enough (`2130706433`, `0x7f.1`, `[::ffff:127.0.0.1]`, a public name resolving to
10.0.0.1, DNS answering differently the second time), so the decision is taken on addresses:
the host is resolved once, *every* address must be global (an IPv4-mapped, 6to4, Teredo or NAT64
address is judged by the IPv4 address inside it), and the connection goes to that very address
with the original name as `Host` and TLS server name. Only http and https, no user:password in
the URL, no proxies from the environment, no pooled connections (a pooled TLS connection made
for one name must not carry a request for another), redirects not followed unless asked and then
checked hop by hop, time and response size capped.

`OutboundClient(policy).request(...)` is the one way the platform sends HTTP to a user-given URL.
"""

from __future__ import annotations

import asyncio
import functools
import ipaddress
import socket
import ssl
from dataclasses import dataclass, field
from typing import Any, Awaitable, Callable, Iterable, Union

import certifi
import httpx

from core.errors import AppError

IPAddress = Union[ipaddress.IPv4Address, ipaddress.IPv6Address]
IPNetwork = Union[ipaddress.IPv4Network, ipaddress.IPv6Network]
# (host, port) → the addresses it resolves to; tests pass a stub so they never touch DNS.
Resolver = Callable[[str, int], Awaitable[list[str]]]

REDIRECTS = frozenset({301, 302, 303, 307, 308})
NAT64 = ipaddress.ip_network("64:ff9b::/96")
_LEGACY_IPV4 = frozenset("0123456789abcdefx.")  # inet_aton's forms: 127.1, 0x7f.1, 017700000001, 2130706433


class OutboundRefused(AppError):
    """The URL is not allowed at all (scheme, credentials, a non-public address): not retried."""

    def __init__(self, detail: str, detail_zh: str) -> None:
        super().__init__("outbound_refused", 422, detail, title="Outbound request refused", detail_zh=detail_zh)


class OutboundFailed(AppError):
    """The receiver could not be reached or misbehaved (timeout, too large): worth retrying."""

    def __init__(self, detail: str, detail_zh: str) -> None:
        super().__init__("outbound_failed", 502, detail, title="Outbound request failed", detail_zh=detail_zh)


@dataclass(frozen=True)
class OutboundPolicy:
    allow: tuple[IPNetwork, ...] = ()  # non-public networks let through anyway (an intranet receiver)
    connect_timeout: float = 5.0
    timeout: float = 30.0  # the whole exchange, body included
    max_response_bytes: int = 1024 * 1024
    max_redirects: int = 0  # each hop is checked like the first

    @classmethod
    def from_settings(cls, settings: Any, **overrides: Any) -> "OutboundPolicy":
        values: dict[str, Any] = {
            "allow": parse_networks(settings.outbound_allow_cidrs),
            "timeout": settings.outbound_timeout_seconds,
            "max_response_bytes": settings.outbound_max_response_bytes,
        }
        values.update(overrides)
        return cls(**values)


def parse_networks(cidrs: Iterable[str]) -> tuple[IPNetwork, ...]:
    return tuple(ipaddress.ip_network(c.strip(), strict=False) for c in cidrs if c.strip())


@dataclass(frozen=True)
class OutboundResponse:
    status_code: int
    headers: httpx.Headers
    content: bytes
    url: str  # the URL as given (or the last redirect's), never the pinned address

    @property
    def ok(self) -> bool:
        return 200 <= self.status_code < 300

    def text(self, limit: int = 2000) -> str:
        return self.content[:limit].decode("utf-8", "replace")


@dataclass(frozen=True)
class Pinned:
    """Where a request really goes: the checked address, and the name it is sent for."""

    url: httpx.URL  # the URL with the host replaced by the address
    address: str
    host_header: str
    sni: str | None  # TLS server name (https to a name, not to an address literal)


async def system_resolver(host: str, port: int) -> list[str]:
    infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return list(dict.fromkeys(str(info[4][0]) for info in infos))


def embedded_ipv4(ip: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 address stands for (mapped, 6to4, Teredo client, NAT64), if any."""
    if not isinstance(ip, ipaddress.IPv6Address):
        return None
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip.teredo is not None:
        return ip.teredo[1]
    if ip in NAT64:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def address_allowed(ip: IPAddress, allow: tuple[IPNetwork, ...] = ()) -> bool:
    """Global unicast, or inside a network the deployment allowed explicitly."""
    ip = embedded_ipv4(ip) or ip
    if any(ip.version == net.version and ip in net for net in allow):
        return True
    return ip.is_global and not ip.is_multicast


def ip_literal(host: str) -> IPAddress | None:
    """The address a host names literally, in any form the C resolver accepts (`127.1`, `0x7f.1`,
    `2130706433`), so those never reach a resolver that might read them differently."""
    try:
        return ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        pass
    if host and set(host.lower()) <= _LEGACY_IPV4:
        try:
            return ipaddress.IPv4Address(socket.inet_aton(host))
        except OSError:
            return None
    return None


def check_url(url: str | httpx.URL) -> httpx.URL:
    try:
        parsed = url if isinstance(url, httpx.URL) else httpx.URL(url)
    except (httpx.InvalidURL, TypeError, ValueError):
        raise OutboundRefused("The URL is not valid.", "URL 无效。") from None
    if parsed.scheme not in ("http", "https"):
        raise OutboundRefused("Only http and https URLs can be called.", "只能调用 http 或 https 地址。")
    if parsed.userinfo:
        raise OutboundRefused("Credentials in the URL are not allowed; send them in a header.",
                              "URL 中不能包含用户名或密码，请放在请求头中。")
    if not parsed.raw_host:
        raise OutboundRefused("The URL has no host.", "URL 缺少主机名。")
    return parsed


async def pin(url: httpx.URL, policy: OutboundPolicy, resolver: Resolver = system_resolver) -> Pinned:
    """Resolves the URL's host once and checks every address; the request then goes to the first."""
    host = url.raw_host.decode("ascii")
    port = url.port or (443 if url.scheme == "https" else 80)
    literal = ip_literal(host)
    if literal is not None:
        addresses = [literal]
    else:
        try:
            found = await asyncio.wait_for(resolver(host, port), policy.connect_timeout)
        except (OSError, asyncio.TimeoutError, UnicodeError):
            found = []
        addresses = []
        for text in found:
            try:
                addresses.append(ipaddress.ip_address(text.split("%", 1)[0]))
            except ValueError:
                raise OutboundRefused("The host resolves to an unusable address.", "主机解析到无效的地址。") from None
        if not addresses:
            raise OutboundFailed(f"The host {host!r} could not be resolved.", f"无法解析主机 {host!r}。")
    for address in addresses:
        if not address_allowed(address, policy.allow):
            raise OutboundRefused("The URL leads to a private or reserved network address, which is not allowed.",
                                  "该地址指向内网或保留地址，不允许访问。")
    chosen = str(addresses[0])
    return Pinned(url=url.copy_with(host=chosen), address=chosen, host_header=url.netloc.decode("ascii"),
                  sni=host if url.scheme == "https" and literal is None else None)


@functools.cache
def tls_context() -> ssl.SSLContext:
    """Made once: loading the trust store costs a tenth of a second, which would block the loop on
    every client. The system's store (a company CA) and certifi's."""
    context = ssl.create_default_context()
    context.load_verify_locations(certifi.where())
    return context


@dataclass
class OutboundClient:
    """Sends requests under a policy; one client may serve many requests (it pools nothing)."""

    policy: OutboundPolicy = field(default_factory=OutboundPolicy)
    resolver: Resolver = system_resolver

    def __post_init__(self) -> None:
        self._client = httpx.AsyncClient(
            trust_env=False,  # no proxy from the environment: it would connect for us, unchecked
            verify=tls_context(),
            follow_redirects=False,
            limits=httpx.Limits(max_keepalive_connections=0),
            timeout=httpx.Timeout(self.policy.timeout, connect=self.policy.connect_timeout),
        )

    async def __aenter__(self) -> "OutboundClient":
        return self

    async def __aexit__(self, *exc: Any) -> None:
        await self.aclose()

    async def aclose(self) -> None:
        await self._client.aclose()

    async def request(self, method: str, url: str, *, headers: dict[str, str] | None = None,
                      content: bytes | str | None = None, json: Any = None,
                      timeout: float | None = None) -> OutboundResponse:
        """The response, whatever its status; `OutboundRefused` or `OutboundFailed` otherwise."""
        limit = min(timeout or self.policy.timeout, self.policy.timeout)
        try:
            async with asyncio.timeout(limit):
                return await self._follow(method.upper(), check_url(url), dict(headers or {}), content, json)
        except TimeoutError:
            raise OutboundFailed(f"No complete answer within {limit:g} seconds.", f"{limit:g} 秒内没有完整响应。") from None

    async def _follow(self, method: str, url: httpx.URL, headers: dict[str, str], content: Any,
                      json: Any) -> OutboundResponse:
        headers.setdefault("Accept-Encoding", "identity")  # a compressed body could expand past the cap unseen
        hops = 0
        while True:
            response = await self._send(method, url, headers, content, json)
            location = response.headers.get("location")
            if response.status_code not in REDIRECTS or not location or hops == self.policy.max_redirects:
                return response
            hops += 1
            target = check_url(url.join(location))
            if (target.scheme, target.raw_host, target.port) != (url.scheme, url.raw_host, url.port):
                headers = {k: v for k, v in headers.items() if k.lower() not in ("authorization", "cookie")}
            if response.status_code == 303 or (response.status_code in (301, 302) and method == "POST"):
                method, content, json = "GET", None, None
            url = target

    async def _send(self, method: str, url: httpx.URL, headers: dict[str, str], content: Any,
                    json: Any) -> OutboundResponse:
        pinned = await pin(url, self.policy, self.resolver)
        request = self._client.build_request(
            method, pinned.url, headers={**headers, "Host": pinned.host_header}, content=content, json=json,
            extensions={"sni_hostname": pinned.sni} if pinned.sni else None,
        )
        try:
            response = await self._client.send(request, stream=True)
        except httpx.HTTPError as exc:
            raise OutboundFailed(f"The receiver could not be reached ({type(exc).__name__}).",
                                 f"无法连接接收方（{type(exc).__name__}）。") from None
        try:
            body = bytearray()
            async for chunk in response.aiter_bytes():
                body += chunk
                if len(body) > self.policy.max_response_bytes:
                    raise OutboundFailed(f"The response exceeds {self.policy.max_response_bytes} bytes.",
                                         f"响应超过 {self.policy.max_response_bytes} 字节。")
        except httpx.HTTPError as exc:
            raise OutboundFailed(f"The response broke off ({type(exc).__name__}).",
                                 f"响应中断（{type(exc).__name__}）。") from None
        finally:
            await response.aclose()
        return OutboundResponse(response.status_code, response.headers, bytes(body), str(url))
