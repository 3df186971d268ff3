"""A private redis-server for the tests: on a free loopback port, nothing written to disk, stopped
afterwards. scripts/test.sh installs the server (Debian's redis-server) when it is missing."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

import redis

STARTUP_SECONDS = 10


def find_redis_server() -> str | None:
    return shutil.which("redis-server") or next(
        (p for p in ("/usr/bin/redis-server", "/usr/sbin/redis-server") if os.access(p, os.X_OK)), None
    )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(condition, what: str) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while not condition():
        if time.monotonic() > deadline:
            raise RuntimeError(f"redis-server: {what} took longer than {STARTUP_SECONDS} s")
        time.sleep(0.05)


def _answers(url: str) -> bool:
    try:
        return redis.Redis.from_url(url, socket_timeout=1).ping()
    except redis.ConnectionError:
        return False


@contextmanager
def private_redis(executable: str, directory: Path):
    """Start redis-server, yield its URL (redis://127.0.0.1:<port>), stop it."""
    pidfile = directory / "redis.pid"
    port = _free_port()
    subprocess.run(
        [executable, "--bind", "127.0.0.1", "--port", str(port), "--save", "", "--appendonly", "no",
         "--daemonize", "yes", "--pidfile", str(pidfile), "--dir", str(directory),
         "--logfile", str(directory / "redis.log")],
        check=True,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}"
    try:
        _wait(lambda: pidfile.exists() and _answers(url), "starting")
        yield url
    finally:
        if pidfile.exists():
            pid = int(pidfile.read_text())
            os.kill(pid, signal.SIGTERM)
            _wait(lambda: not pidfile.exists(), "stopping")  # it removes its pidfile as it exits
