"""`flask worker`: run the queued jobs (imports, backups) of this app until stopped."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import with_appcontext


@click.command("worker")
@click.option("--workers", default=2, show_default=True, help="Jobs run at the same time (threads).")
@with_appcontext
def worker_command(workers):
    """Process queued jobs until Ctrl+C (the run script starts one beside the server)."""
    from app.jobs import queue

    if workers < 1:
        raise click.BadParameter("must be at least 1", param_hint="--workers")
    jobs = queue(current_app._get_current_object())
    if jobs.backend == "immediate":
        raise click.ClickException(
            "JOBS_BACKEND is 'immediate': jobs run inside the request, a worker has nothing to do."
        )
    click.echo(f"Orchard worker: {workers} thread(s) on the {jobs.backend} queue. Ctrl+C to stop.")
    consumer = jobs.huey.create_consumer(workers=workers, worker_type="thread", periodic=True)
    consumer.run()
