"""One app worker in a process of its own, as gunicorn runs each worker: `python -m tests.ops.worker
'<JSON settings>'` builds the app with TestingConfig and those settings (the database of the test that
started it), serves it on a free loopback port, prints the port and serves until it is terminated.

Two of them are two workers: each has its own Flask-Limiter and storage connection, exactly what
several processes have in production (apps built in one process share the one limiter object)."""

from __future__ import annotations

import http.client
import json
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[2]


@contextmanager
def workers(count: int, settings: dict):
    """Start `count` worker processes with the same settings (at once); yield their ports; stop them."""
    command = [sys.executable, "-m", "tests.ops.worker", json.dumps(settings)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    processes = []
    try:
        for _ in range(count):
            processes.append(subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True))
        ports = []
        for process in processes:
            line = process.stdout.readline()  # the port, once the worker listens
            if not line.strip().isdigit():
                raise RuntimeError(f"a worker did not start (exit status {process.poll()})")
            ports.append(int(line))
        yield ports
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            process.wait(timeout=10)
            process.stdout.close()


def post_form(port: int, path: str, data: dict) -> int:
    """POST a form to a worker; the status code (redirects are not followed)."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        headers = {"Content-Type": "application/x-www-form-urlencoded"}
        connection.request("POST", path, body=urlencode(data), headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def main(settings_json: str) -> None:
    from werkzeug.serving import make_server

    from app import create_app
    from config import TestingConfig

    app = create_app(TestingConfig, **json.loads(settings_json))
    server = make_server("127.0.0.1", 0, app, threaded=True)
    print(server.server_port, flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1])
