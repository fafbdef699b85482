"""The SSRF guard of outbound HTTP: decided on the resolved address, in every spelling of it, at
every redirect hop; time and size capped. Names resolve through a stub, and the only server
reached is on loopback (let through by an explicit allowlist)."""

from __future__ import annotations

import ipaddress
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from runtime.net.http import (
    OutboundClient,
    OutboundFailed,
    OutboundPolicy,
    OutboundRefused,
    address_allowed,
    check_url,
    parse_networks,
    pin,
)

NAMES = {
    "localhost.": ["127.0.0.1"],
    "intranet.example": ["10.0.0.5"],
    "sneaky.example": ["93.184.215.14", "192.168.0.10"],  # one public address is not enough
    "metadata.example": ["169.254.169.254"],
    "six.example": ["::1"],
    "public.example": ["93.184.215.14"],
    "hook.test": ["127.0.0.1"],
}


class StubResolver:
    def __init__(self) -> None:
        self.asked: list[str] = []

    async def __call__(self, host: str, port: int) -> list[str]:
        self.asked.append(host)
        return NAMES.get(host, [])


@pytest.mark.parametrize("address", [
    "10.0.0.1", "127.0.0.1", "127.8.9.10", "0.0.0.0", "169.254.169.254", "100.64.0.1", "172.16.5.4",
    "192.168.1.1", "224.0.0.1", "255.255.255.255", "::1", "::", "fe80::1", "fc00::1", "::ffff:127.0.0.1",
    "::ffff:10.0.0.1", "64:ff9b::7f00:1", "2002:7f00:1::1", "2001:db8::1",
])
def test_private_and_reserved_addresses_are_refused(address):
    assert not address_allowed(ipaddress.ip_address(address))


@pytest.mark.parametrize("address", ["93.184.215.14", "8.8.8.8", "2606:4700:4700::1111", "::ffff:8.8.8.8"])
def test_public_addresses_are_allowed(address):
    assert address_allowed(ipaddress.ip_address(address))


def test_an_allowlisted_network_is_let_through_and_nothing_else():
    allow = parse_networks(["127.0.0.1/32", "10.1.0.0/16"])
    assert address_allowed(ipaddress.ip_address("127.0.0.1"), allow)
    assert address_allowed(ipaddress.ip_address("10.1.2.3"), allow)
    assert not address_allowed(ipaddress.ip_address("127.0.0.2"), allow)
    assert not address_allowed(ipaddress.ip_address("10.2.0.1"), allow)


@pytest.mark.parametrize("url", [
    "http://127.0.0.1/", "http://2130706433/", "http://0x7f.1/", "http://127.1/", "http://017700000001/",
    "http://0177.0.0.1/", "http://[::ffff:127.0.0.1]/", "http://[::1]:8080/", "http://0.0.0.0/",
    "http://169.254.169.254/latest/meta-data/", "http://100.64.0.1/", "http://10.0.0.1/",
])
async def test_address_literals_in_any_spelling_are_refused_without_asking_a_resolver(url):
    resolver = StubResolver()
    async with OutboundClient(OutboundPolicy(), resolver) as client:
        with pytest.raises(OutboundRefused):
            await client.request("GET", url)
    assert resolver.asked == []


@pytest.mark.parametrize("host", ["localhost.", "intranet.example", "sneaky.example", "metadata.example", "six.example"])
async def test_names_resolving_to_private_addresses_are_refused(host):
    resolver = StubResolver()
    async with OutboundClient(OutboundPolicy(), resolver) as client:
        with pytest.raises(OutboundRefused) as refused:
            await client.request("POST", f"https://{host}/hook", json={})
    assert resolver.asked == [host] and refused.value.detail_zh


@pytest.mark.parametrize("url", ["file:///etc/passwd", "gopher://public.example/", "ftp://public.example/",
                                 "http://user:secret@public.example/", "http:///nohost", "not a url"])
async def test_other_schemes_credentials_and_junk_are_refused(url):
    async with OutboundClient(OutboundPolicy(), StubResolver()) as client:
        with pytest.raises(OutboundRefused):
            await client.request("GET", url)


async def test_an_unresolvable_name_is_a_failure_worth_retrying():
    async with OutboundClient(OutboundPolicy(), StubResolver()) as client:
        with pytest.raises(OutboundFailed):
            await client.request("GET", "http://nowhere.example/")


async def test_the_request_goes_to_the_checked_address_with_the_name_as_host_and_tls_name():
    pinned = await pin(check_url("https://public.example:8443/a?b=1"), OutboundPolicy(), StubResolver())
    assert str(pinned.url) == "https://93.184.215.14:8443/a?b=1"
    assert (pinned.address, pinned.host_header, pinned.sni) == ("93.184.215.14", "public.example:8443", "public.example")


# -- against a loopback server --------------------------------------------------------------------


class Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:
        url = urlsplit(self.path)
        query = parse_qs(url.query)
        if url.path == "/redirect":
            self._answer(302, b"", {"Location": query["to"][0]})
        elif url.path == "/big":
            self._answer(200, b"x" * 200_000)
        elif url.path == "/slow":
            time.sleep(2)
            self._answer(200, b"late")
        else:
            self._answer(200, self.headers.get("host", "").encode())

    def _answer(self, status: int, body: bytes, headers: dict | None = None) -> None:
        try:
            self.send_response(status)
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            self.send_header("content-length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        except OSError:  # the client gave up first
            pass

    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server():
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield httpd.server_address[1]
    httpd.shutdown()
    httpd.server_close()
    thread.join(timeout=5)


LOOPBACK = parse_networks(["127.0.0.1/32"])


async def test_an_allowlisted_receiver_is_reached_under_its_own_name(server):
    async with OutboundClient(OutboundPolicy(allow=LOOPBACK), StubResolver()) as client:
        response = await client.request("GET", f"http://hook.test:{server}/echo-host")
    assert response.status_code == 200 and response.content == f"hook.test:{server}".encode()


async def test_redirects_are_not_followed_unless_asked_and_each_hop_is_checked(server):
    to_private = f"http://127.0.0.1:{server}/redirect?to=http://10.0.0.1/"
    to_other_loopback = f"http://127.0.0.1:{server}/redirect?to=http://127.0.0.2:{server}/"
    to_fine = f"http://127.0.0.1:{server}/redirect?to=/echo-host"
    async with OutboundClient(OutboundPolicy(allow=LOOPBACK), StubResolver()) as client:
        response = await client.request("GET", to_private)
        assert response.status_code == 302  # handed back, not followed
    async with OutboundClient(OutboundPolicy(allow=LOOPBACK, max_redirects=3), StubResolver()) as client:
        for url in (to_private, to_other_loopback):
            with pytest.raises(OutboundRefused):
                await client.request("GET", url)
        response = await client.request("GET", to_fine)
        assert response.status_code == 200 and response.url.endswith("/echo-host")


async def test_response_size_and_time_are_capped(server):
    policy = OutboundPolicy(allow=LOOPBACK, max_response_bytes=10_000, timeout=0.5)
    async with OutboundClient(policy, StubResolver()) as client:
        with pytest.raises(OutboundFailed, match="exceeds"):
            await client.request("GET", f"http://127.0.0.1:{server}/big")
        started = time.monotonic()
        with pytest.raises(OutboundFailed, match="within"):
            await client.request("GET", f"http://127.0.0.1:{server}/slow")
        assert time.monotonic() - started < 1.5
