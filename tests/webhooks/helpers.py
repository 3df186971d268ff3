"""Webhook test helpers: endpoints made directly, and a real HTTP receiver on 127.0.0.1 in a thread."""

from __future__ import annotations

import base64
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from app.extensions import db
from app.models import WebhookEndpoint

SECRET = "whsec_" + base64.b64encode(b"0123456789abcdef01234567").decode()


def make_endpoint(workspace, url="http://127.0.0.1:9/hook", event_types=("*",), **overrides) -> WebhookEndpoint:
    endpoint = WebhookEndpoint(
        workspace_id=workspace.id, url=url, event_types=json.dumps(list(event_types)), secret=SECRET, **overrides
    )
    db.session.add(endpoint)
    db.session.commit()
    return endpoint


class Receiver:
    """An HTTP server on 127.0.0.1 that records every request and answers with the next planned
    status (200 when the plan is used up); a planned "hang" answers after `hang_seconds`."""

    def __init__(self):
        self.requests: list[dict] = []
        self.plan: list[int | str] = []
        self.hang = threading.Event()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length", "0"))
                body = self.rfile.read(length)
                receiver.requests.append({"path": self.path, "headers": dict(self.headers), "body": body})
                status = receiver.plan.pop(0) if receiver.plan else 200
                if status == "hang":
                    receiver.hang.wait(5)
                    status = 200
                answer = b"received" if status < 400 else b"boom " * 400
                self.send_response(status)
                self.send_header("Content-Length", str(len(answer)))
                self.end_headers()
                self.wfile.write(answer)

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/hook"

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.hang.set()
        self.server.shutdown()
        self.server.server_close()
