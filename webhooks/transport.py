"""One webhook request: POST to the address that :func:`webhooks.addresses.address_resolve`
checked (the host's name still goes in ``Host`` and in TLS, whose certificate is verified
against it), 10 s at most, no redirects, the answer read up to a limit."""

from __future__ import annotations

import time
from dataclasses import dataclass
from urllib.parse import urlsplit

import urllib3

from webhooks.addresses import BlockedAddress, address_resolve

TIMEOUT_SECONDS = 10
#: bytes of an answer read (and kept, truncated, in the attempt log)
MAX_RESPONSE_BYTES = 4096


@dataclass
class HttpResult:
    status: int | None
    body: str
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def post(url: str, *, body: bytes, headers: dict) -> HttpResult:
    """Send; never raises (a refused address, a timeout or a network error is the result's
    ``error``)."""
    started = time.monotonic()

    def result(status=None, text="", error=""):
        return HttpResult(status, text, error[:500], int((time.monotonic() - started) * 1000))

    parts = urlsplit(url)
    host = parts.hostname
    port = parts.port or (443 if parts.scheme == "https" else 80)
    try:
        address = address_resolve(host, port)
    except BlockedAddress as exc:
        return result(error=str(exc))
    timeout = urllib3.Timeout(total=TIMEOUT_SECONDS)
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            address,
            port,
            server_hostname=host,
            assert_hostname=host,
            cert_reqs="CERT_REQUIRED",
            timeout=timeout,
            retries=False,
        )
    else:
        pool = urllib3.HTTPConnectionPool(address, port, timeout=timeout, retries=False)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    request_headers = {
        **headers,
        "Host": parts.netloc.rpartition("@")[2],
        "Content-Type": "application/json",
        "User-Agent": "ChannelPortal-Webhooks/1",
    }
    try:
        response = pool.urlopen(
            "POST",
            path,
            body=body,
            headers=request_headers,
            redirect=False,
            retries=False,
            preload_content=False,
            assert_same_host=False,
        )
        try:
            text = response.read(MAX_RESPONSE_BYTES).decode("utf-8", "replace")
        finally:
            response.release_conn()
        return result(response.status, text)
    except Exception as exc:  # timeouts, refused connections, TLS errors: a failed attempt
        return result(error=f"{exc.__class__.__name__}: {exc}")
    finally:
        pool.close()
