"""A real webhook receiver for the tests: an HTTP server on loopback, in a thread, that
verifies each request's Standard Webhooks signature with the ``standardwebhooks`` package,
answers with the statuses the test plans (``fail_next``), and keeps what it received."""

from __future__ import annotations

import json
import threading
from collections import deque
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from standardwebhooks import Webhook, WebhookVerificationError


@dataclass
class Received:
    headers: dict
    body: str
    verified: bool
    path: str

    @property
    def webhook_id(self) -> str:
        return self.headers["webhook-id"]

    @property
    def json(self) -> dict:
        return json.loads(self.body)


class Receiver:
    def __init__(self, secret: str | None = None):
        self.secret = secret
        self.received: list[Received] = []
        self.planned: deque[int] = deque()
        self.default_status = 200
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
                headers = {k.lower(): v for k, v in self.headers.items()}
                try:
                    Webhook(receiver.secret).verify(body, headers)
                    verified = True
                except (WebhookVerificationError, Exception):
                    verified = False
                with receiver.lock:
                    receiver.received.append(Received(headers, body, verified, self.path))
                    status = receiver.planned.popleft() if receiver.planned else None
                status = status or receiver.default_status
                answer = (b"nope " * 2000) if status >= 400 else b'{"ok":true}'
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hooks"

    def fail_next(self, count: int, status: int = 500) -> None:
        self.planned.extend([status] * count)

    @property
    def count(self) -> int:
        return len(self.received)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()
