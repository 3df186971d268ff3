"""Time the full workspace backup and its restore on the demo workspace (in-process).

    python -m bench.backup_bench                       # SQLite, 10,000 and 50,000 partners
    python -m bench.backup_bench --sizes 10000
    python -m bench.backup_bench --database-url postgresql+psycopg://user:pw@host/db
    python -m bench.backup_bench --sizes 5000 --memory  # also the export's peak Python memory (slower)

For each size: a fresh database (bench/engines.py) migrated to the head, the demo generator's data
(`flask demo`'s code: about 2.5 contacts and 10 interactions per partner, deals, terms, ledger), then
the export written to a file (`write_backup`, as `flask data export` does), its restore into a new
workspace (`restore_backup` + commit, as `flask data restore` does) and, with --check, the restored
workspace's summaries checked. Wall time and this process's CPU time are both shown: on a shared
machine the wall time depends on what else runs; the CPU time much less (PostgreSQL's own work is
in its server processes, not in it). Target (issue 10): export of the 50,000-partner workspace under 60 s.
"""

from __future__ import annotations

import argparse
import platform
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime
from pathlib import Path

EXPORT_TARGET_S = 60.0


def measure(size: int, workdir: Path, *, database_url: str | None, seed: int, memory: bool, check: bool) -> dict:
    import flask_migrate

    from app import create_app, summaries
    from app.extensions import db
    from app.services import accounts, backup
    from app.services.demo import generate
    from bench.engines import target
    from config import TestingConfig

    place = target(database_url, workdir, f"orchard_backup_bench_{size}")
    place.create()
    app = create_app(TestingConfig, **place.config(), TESTING=False, DEBUG=False)
    result: dict = {"size": size, "engine": place.engine}
    with app.app_context():
        try:
            flask_migrate.upgrade(revision="heads")
            now = datetime.now(UTC)
            started = time.perf_counter()
            user = accounts.register_user(
                db.session,
                name="Bench Owner",
                email="bench@example.com",
                password="bench password 123",
                create_workspace=False,
                hash_method="pbkdf2:sha256:1000",
            )
            workspace = accounts.create_workspace_for(db.session, user, "Bench Studio")
            generate(db.session, workspace, seed=seed, partners=size, now=now)
            db.session.commit()
            result["generate_s"] = round(time.perf_counter() - started, 1)
            place.analyze(db.engine)
            workspace_id, user_id = workspace.id, user.id
            db.session.expunge_all()

            path = workdir / f"backup-{size}.zip"
            if memory:
                tracemalloc.start()
            db.session.rollback()  # the export reads in a transaction of its own (one snapshot)
            started, cpu = time.perf_counter(), time.process_time()
            backup.consistent_snapshot(db.session)
            with path.open("wb") as out:
                manifest = backup.write_backup(db.session, workspace_id, out, now=now)
            db.session.rollback()
            result["export_s"] = round(time.perf_counter() - started, 1)
            result["export_cpu_s"] = round(time.process_time() - cpu, 1)
            if memory:
                result["export_peak_mb"] = round(tracemalloc.get_traced_memory()[1] / 1e6, 1)
                tracemalloc.stop()
            result["zip_mb"] = round(path.stat().st_size / 1e6, 1)
            result["rows"] = {name: info["count"] for name, info in manifest["files"].items()}

            started, cpu = time.perf_counter(), time.process_time()
            actor = db.session.get(type(user), user_id)
            with path.open("rb") as source:
                restored = backup.restore_backup(db.session, source, actor=actor, now=now)
            restored_id = restored.workspace.id
            db.session.commit()
            result["restore_s"] = round(time.perf_counter() - started, 1)
            result["restore_cpu_s"] = round(time.process_time() - cpu, 1)
            if check:
                started = time.perf_counter()
                result["check_differences"] = len(summaries.check(db.session, restored_id))
                result["check_s"] = round(time.perf_counter() - started, 1)
                db.session.rollback()
        finally:
            db.session.remove()
            db.engine.dispose()
            place.drop()
    return result


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--memory", action="store_true", help="trace the export's peak Python memory (slower)")
    parser.add_argument("--check", action="store_true", help="check the restored workspace's summaries")
    args = parser.parse_args(argv)
    print(f"# Backup bench — {platform.python_version()}, {datetime.now(UTC):%Y-%m-%d}")
    with tempfile.TemporaryDirectory() as directory:
        for size in args.sizes:
            row = measure(
                size,
                Path(directory),
                database_url=args.database_url,
                seed=args.seed,
                memory=args.memory,
                check=args.check,
            )
            verdict = "ok" if row["export_s"] < EXPORT_TARGET_S else "OVER TARGET"
            print(
                f"{row['engine']} {size:>6} partners: generate {row['generate_s']} s, export {row['export_s']} s "
                f"({verdict}; Python CPU {row['export_cpu_s']} s; {row['zip_mb']} MB zip"
                + (f", peak {row['export_peak_mb']} MB" if "export_peak_mb" in row else "")
                + f"), restore {row['restore_s']} s (Python CPU {row['restore_cpu_s']} s)"
                + (f", check {row['check_s']} s / {row['check_differences']} differences" if "check_s" in row else ""),
                flush=True,
            )
            print("   rows: " + ", ".join(f"{name} {count}" for name, count in row["rows"].items()), flush=True)


if __name__ == "__main__":
    main()
