"""Making simultaneous requests really interleave at the step where a race can hurt.

Requests fired at once (tests/concurrency/helpers.py `at_once`) may still run one after the other
when the first happens to finish before the second starts. `meet_at(monkeypatch, (module, name))`
wraps `module.name` (a service function a route calls) so each request waits there until all have
arrived: every one has read what it read before the call, and they go on together. On PostgreSQL
that is the interleaving a row lock must make safe. On SQLite a writing request holds the database's
write lock from its first statement (BEGIN IMMEDIATE), so the others could never arrive: nothing
waits there.
"""

from __future__ import annotations

import functools
import threading

from app.extensions import db

WAIT = 5.0  # seconds one request waits for the others before going on alone


def meet_at(monkeypatch, *targets, parties: int = 2) -> None:
    """Each of the `parties` requests waits at its call of one of the `targets`, (module, name)
    pairs: `meet_at(monkeypatch, (accounts, "accept_invite"))`."""
    if db.engine.dialect.name != "postgresql":
        return
    barrier = threading.Barrier(parties, timeout=WAIT)

    def wrap(original):
        @functools.wraps(original)
        def meeting(*args, **kwargs):
            try:
                barrier.wait()
            except threading.BrokenBarrierError:  # another request did not come this way (refused earlier)
                barrier.reset()
            return original(*args, **kwargs)

        return meeting

    for module, name in targets:
        monkeypatch.setattr(module, name, wrap(getattr(module, name)))
