"""Firing requests at the same instant, from separate clients (each its own session and connection)."""

from __future__ import annotations

import threading

from app.extensions import db
from tests.conftest import PASSWORD


def at_once(app, user, *requests):
    """Fire the requests (method, url, data[, user]) from separate clients, each logged in as
    `user` (or the request's own user), released together by a barrier; the responses in order."""
    clients = []
    for request in requests:
        who = request[3] if len(request) > 3 else user
        client = app.test_client()
        assert client.post("/login", data={"email": who.email, "password": PASSWORD}).status_code == 302
        clients.append(client)
    requests = [request[:3] for request in requests]
    db.session.rollback()  # the test's own session holds no transaction (nor SQLite's write lock)
    barrier = threading.Barrier(len(requests))
    responses = [None] * len(requests)

    def fire(index, client, method, url, data):
        barrier.wait()
        responses[index] = client.open(url, method=method, data=data, headers={"HX-Request": "true"})

    threads = [
        threading.Thread(target=fire, args=(i, c, *r)) for i, (c, r) in enumerate(zip(clients, requests, strict=True))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return responses
