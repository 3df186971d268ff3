"""Time Orchard's pages in-process at two data sizes, on SQLite, PostgreSQL or both.

    python -m bench.run                      # SQLite, 5,000 and 50,000 partners
    python -m bench.run --sizes 5000         # a quick run
    python -m bench.run --repeat 30 --only partner
    python -m bench.run --database-url postgresql+psycopg://user:pw@host/db   # on PostgreSQL
    python -m bench.run --database-url sqlite --database-url postgresql+psycopg://…   # both, in turn

For each size and engine: a fresh SQLite file in a temporary directory (or, for a PostgreSQL URL, a
fresh schema in that database, see bench/engines.py), schema from the migrations (`upgrade heads`),
data from the demo generator (`flask demo`'s code, summaries derived), a logged-in test client; each
page in bench/pages.py is requested a few times to warm up, then `--repeat` times (with several
engines, the engines take turns request by request): the median and 90th percentile wall time of the
whole request (routing, queries, rendering) and the number of SQL statements it ran. Results: a table
on stdout, bench/results/latest.md and .json (latest-postgresql.* on PostgreSQL) and, with two
engines, bench/results/engines.md side by side (bench/compare.py).
"""

from __future__ import annotations

import argparse
import gc
import json
import platform
import re
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path

from sqlalchemy import event, text

RESULTS = Path(__file__).resolve().parent / "results"
PASSWORD = "bench password 123"
TARGET_MS = 20.0
TARGET_QUERIES = 10
TARGET_GROWTH = 1.2


@dataclass
class BenchContext:
    session: object
    workspace_id: int
    user_id: int
    demo: object  # app.services.demo.DemoContext
    size: int
    _cache: dict = field(default_factory=dict)

    def scalar(self, sql: str, **params):
        """A single value from raw SQL, or None when the query fails (e.g. a feature's table is absent)."""
        try:
            return self.session.execute(text(sql), params).scalar()
        except Exception:
            self.session.rollback()
            return None

    @cached_property
    def partner_id(self):
        """A typical partner: the median id among partners with at least two contacts."""
        ids = self.demo.partner_ids
        if not ids:
            return None
        middle = ids[len(ids) // 2]
        return (
            self.scalar(
                "SELECT partner_id FROM contact WHERE workspace_id = :ws AND partner_id >= :p "
                "GROUP BY partner_id HAVING count(*) >= 2 ORDER BY partner_id LIMIT 1",
                ws=self.workspace_id,
                p=middle,
            )
            or middle
        )

    @cached_property
    def biggest_referral_root_id(self):
        return self.scalar(
            "SELECT partner_id FROM referral WHERE workspace_id = :ws AND partner_id = root_id "
            "ORDER BY subtree_size DESC, partner_id LIMIT 1",
            ws=self.workspace_id,
        )

    @cached_property
    def busiest_partner_id(self):
        return self.scalar(
            "SELECT partner_id FROM interaction WHERE workspace_id = :ws "
            "GROUP BY partner_id ORDER BY count(*) DESC, partner_id LIMIT 1",
            ws=self.workspace_id,
        )

    @cached_property
    def deal_id(self):
        return self.scalar(
            "SELECT id FROM deal WHERE workspace_id = :ws ORDER BY id LIMIT 1 OFFSET :n",
            ws=self.workspace_id,
            n=max(0, self.demo.stats.get("deals", 0) // 2),
        ) or self.scalar("SELECT min(id) FROM deal WHERE workspace_id = :ws", ws=self.workspace_id)

    @property
    def statement_token(self):
        return getattr(self.demo, "statement_token", None)


class Counter:
    def __init__(self):
        self.count = 0

    def __call__(self, conn, cursor, statement, parameters, context, executemany):
        if not re.match(r"\s*(PRAGMA|SAVEPOINT|RELEASE)", statement, re.I):
            self.count += 1


def _rebuild_summaries(demo) -> None:
    from app import summaries
    from app.summaries import registry

    summaries.rebuild(
        demo.session, demo.workspace.id, [s for s in registry.all_summaries() if s.name != "search_index"]
    )


def _rebuild_search_index(demo) -> None:
    from app.summaries import registry

    registry.rebuild(demo.session, demo.workspace.id, [registry.by_name("search_index")])


def build(size: int, workdir: Path, seed: int, schema: str = "migrations", database_url: str | None = None):
    """App, logged-in client and context for one data size."""
    import random

    import flask_migrate

    from app import create_app
    from app.extensions import db
    from app.services import accounts
    from app.services.demo import DemoContext, steps
    from bench.engines import target
    from config import TestingConfig

    place = target(database_url, workdir, f"orchard_bench_{size}")
    place.create()
    app = create_app(
        TestingConfig,
        **place.config(),
        TESTING=False,
        DEBUG=False,
        WTF_CSRF_ENABLED=False,
        RATELIMIT_ENABLED=False,
    )
    ctx = app.app_context()
    ctx.push()
    if schema == "migrations":
        flask_migrate.upgrade(revision="heads")
    else:  # models as they are now, for trying a change before its migration exists
        db.create_all()

    started = time.perf_counter()
    user = accounts.register_user(
        db.session,
        name="Bench Owner",
        email="bench@example.com",
        password=PASSWORD,
        create_workspace=False,
        hash_method="pbkdf2:sha256:1000",
    )
    workspace = accounts.create_workspace_for(db.session, user, "Bench Studio")
    user.current_workspace_id = workspace.id
    now = datetime.now(UTC)
    demo = DemoContext(session=db.session, workspace=workspace, rng=random.Random(seed), now=now, partners=size)
    step_times, failed = {}, {}
    # as generate() does: the steps bulk-insert past the flush hooks, so the summaries are derived once
    # at the end (without it the dashboard, the pipeline's and the ledger's totals would read empty tables)
    for step in [*steps(), _rebuild_summaries, _rebuild_search_index]:
        name = {_rebuild_summaries: "summaries.rebuild", _rebuild_search_index: "search_index.rebuild"}.get(
            step, f"{step.__module__.rsplit('.', 1)[-1]}.{step.__name__}"
        )
        t0 = time.perf_counter()
        savepoint = db.session.begin_nested()
        try:
            step(demo)
            db.session.flush()
            savepoint.commit()
        except Exception as error:
            savepoint.rollback()
            failed[name] = f"{type(error).__name__}: {str(error).splitlines()[0][:200]}"
            print(f"   demo step {name} FAILED: {failed[name]}", file=sys.stderr, flush=True)
        step_times[name] = time.perf_counter() - t0
    db.session.commit()
    generate_s = time.perf_counter() - started
    place.analyze(db.engine)

    # A server process does not hold the generator's data: clear the session and keep the garbage
    # collector from rescanning what generating left in memory on every request.
    workspace_id, user_id = workspace.id, user.id
    db.session.expunge_all()
    gc.collect()
    gc.freeze()

    client = app.test_client()
    response = client.post("/login", data={"email": "bench@example.com", "password": PASSWORD})
    assert response.status_code == 302, "bench login failed"
    bench_ctx = BenchContext(session=db.session, workspace_id=workspace_id, user_id=user_id, demo=demo, size=size)
    info = {
        "generate_s": round(generate_s, 1),
        "steps_s": {k: round(v, 2) for k, v in step_times.items()},
        "stats": dict(demo.stats),
        "db_mb": place.size_mb(db.engine),
        "failed_steps": failed,
    }
    return app, ctx, client, bench_ctx, info, place


class PageTimer:
    """Requests one page of one engine's app: `with timer:` makes that app current (its application
    context pushed), so several engines' requests can take turns."""

    def __init__(self, setup, url: str, headers: dict, body: dict | None = None):
        self.setup, self.url, self.headers, self.body = setup, url, headers, body
        self.times, self.cpu, self.queries = [], [], None

    def __enter__(self):
        self.setup.ctx.push()
        return self

    def __exit__(self, *exc):
        self.setup.ctx.pop()

    def get(self):
        from flask import g

        from app.extensions import db

        vars(g._get_current_object()).clear()  # a fresh request, as in production
        db.session.expire_all()
        if self.body is not None:  # a write: POST the JSON body (an API call)
            return self.setup.client.post(self.url, headers=self.headers, json=self.body)
        return self.setup.client.get(self.url, headers=self.headers)

    def warm_up(self, times: int = 3) -> None:
        from app.extensions import db

        for _ in range(times):
            response = self.get()
            if response.status_code not in (200, 201):
                raise RuntimeError(
                    f"{'POST' if self.body is not None else 'GET'} {self.url} answered {response.status_code}"
                )
        counter = Counter()
        event.listen(db.engine, "before_cursor_execute", counter)
        try:
            self.get()
        finally:
            event.remove(db.engine, "before_cursor_execute", counter)
        self.queries = counter.count

    def time_once(self) -> None:
        t0, c0 = time.perf_counter(), time.process_time()
        self.get()
        self.times.append((time.perf_counter() - t0) * 1000)
        self.cpu.append((time.process_time() - c0) * 1000)

    def measured(self) -> dict:
        times = sorted(self.times)
        return {
            "median_ms": round(statistics.median(times), 2),
            "p90_ms": round(times[min(len(times) - 1, int(len(times) * 0.9))], 2),
            "cpu_ms": round(statistics.median(self.cpu), 2),
            "queries": self.queries,
            "url": self.url,
        }


@dataclass
class Setup:
    """One engine's app at one data size (see build)."""

    app: object
    ctx: object
    client: object
    bench: BenchContext
    info: dict
    place: object


def _results(sizes, repeat, seed, engine):
    return {
        "sizes": sizes,
        "repeat": repeat,
        "seed": seed,
        "pages": {},
        "data": {},
        "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "python": platform.python_version(),
        "engine": engine,
        "machine": f"{platform.system()} {platform.machine()}",
    }


def _measure_page(name, builder, setups: dict, repeat: int, size: int, results: dict) -> None:
    """Time one page on every engine, the engines taking turns request by request (so a change in the
    machine's other load falls on all of them alike)."""
    timers = {}
    for label, setup in setups.items():
        setup.ctx.push()
        try:
            target = builder(setup.bench)
        finally:
            setup.ctx.pop()
        if target is None:
            results[label]["pages"].setdefault(name, {})[size] = None
            continue
        url, headers, *body = target if isinstance(target, tuple) else (target, {})
        timer = PageTimer(setup, url, headers, *body)
        try:
            with timer:
                timer.warm_up()
        except Exception as error:
            print(f"   {name:<40} {label} FAILED: {error}", file=sys.stderr, flush=True)
            results[label]["pages"].setdefault(name, {})[size] = {"error": str(error)[:300], "url": url}
            continue
        timers[label] = timer
    for _ in range(repeat):
        for timer in timers.values():
            with timer:
                timer.time_once()
    line = []
    for label, timer in timers.items():
        measured = timer.measured()
        results[label]["pages"].setdefault(name, {})[size] = measured
        line.append(f"{label} {measured['median_ms']:>7.2f} ms {measured['queries']:>2} q")
    print(f"   {name:<40} " + "   ".join(line), file=sys.stderr, flush=True)


def run(sizes, repeat, seed, only=None, schema="migrations", database_urls=(None,), keep=False):
    """Results per engine ({label: results}); with several database URLs every page is timed on each
    engine in turn, request by request."""
    from bench.engines import target
    from bench.pages import PAGES

    places = {url: target(url, Path("."), "version") for url in database_urls}
    labels = {url: place.engine for url, place in places.items()}
    if len(set(labels.values())) < len(labels):
        labels = {url: f"{place.engine}{i}" for i, (url, place) in enumerate(places.items())}
    results = {labels[url]: _results(sizes, repeat, seed, place.version()) for url, place in places.items()}
    with tempfile.TemporaryDirectory(prefix="orchard-bench-") as tmp:
        for size in sizes:
            setups = {}
            try:
                for url in database_urls:
                    label = labels[url]
                    print(f"-- {label}: generating {size:,} partners…", file=sys.stderr, flush=True)
                    setup = Setup(*build(size, Path(tmp), seed, schema, url))
                    setup.ctx.pop()
                    setups[label] = setup
                    results[label]["data"][size] = setup.info
                    print(
                        f"   generated in {setup.info['generate_s']}s ({setup.info['db_mb']} MB)",
                        file=sys.stderr,
                        flush=True,
                    )
                for name, builder in PAGES:
                    if only and not any(part in name.lower() for part in only.lower().split("|")):
                        continue
                    _measure_page(name, builder, setups, repeat, size, results)
            finally:
                from app.extensions import db

                for setup in setups.values():
                    with setup.app.app_context():
                        db.session.remove()
                        db.engine.dispose()
                    if not keep:
                        setup.place.drop()
                gc.unfreeze()
                gc.collect()
    return results


def verdict(row, sizes, metric="median_ms"):
    big = row.get(max(sizes))
    if big is None:
        return "skipped"
    problems = []
    if big[metric] > TARGET_MS:
        problems.append(f">{TARGET_MS:g} ms")
    if any(m and m["queries"] > TARGET_QUERIES for m in row.values()):
        problems.append(f">{TARGET_QUERIES} queries")
    if len(sizes) > 1 and row.get(min(sizes)):
        small = row[min(sizes)]
        if small["queries"] != big["queries"]:
            problems.append("query count grows")
        if big[metric] > small[metric] * TARGET_GROWTH and big[metric] - small[metric] > 1:
            problems.append(f"grows ×{big[metric] / small[metric]:.2f}")
    return "ok" if not problems else ", ".join(problems)


def to_markdown(results) -> str:
    sizes = results["sizes"]
    metric = results.get("metric", "median_ms")
    head = (
        ["Page"]
        + [f"{s:,}: median ms" for s in sizes]
        + [f"{s:,}: p90 ms" for s in sizes]
        + [f"{s:,}: CPU ms" for s in sizes]
        + ["Queries"]
    )
    if len(sizes) > 1:
        head.append("Growth")
    head.append("Target")
    lines = [
        f"# Benchmark results ({results['when']})",
        "",
        f"Median and 90th percentile wall time, and median CPU time of this process (less disturbed by "
        f"other load on the machine), of {results['repeat']} in-process requests per page (after warm-up), "
        f"{results['engine']}, Python {results['python']}, {results['machine']}. "
        f"Target: ≤{TARGET_QUERIES} queries, ≤{TARGET_MS:g} ms at the largest size, growth ≤{TARGET_GROWTH}× "
        f"(judged on {'CPU' if metric == 'cpu_ms' else 'median wall'} time; growth ignores differences under 1 ms).",
        "",
        "| " + " | ".join(head) + " |",
        "|" + "---|" * len(head),
    ]
    for name, row in results["pages"].items():
        cells = [name]
        if any(m and "error" in m for m in row.values()):
            lines.append(
                "| "
                + " | ".join(
                    [name]
                    + ["error"] * (len(head) - 2)
                    + [next(m["error"] for m in row.values() if m and "error" in m)[:80]]
                )
                + " |"
            )
            continue
        cells += [f"{row[s]['median_ms']:.2f}" if row.get(s) else "—" for s in sizes]
        cells += [f"{row[s]['p90_ms']:.2f}" if row.get(s) else "—" for s in sizes]
        cells += [f"{row[s]['cpu_ms']:.2f}" if row.get(s) else "—" for s in sizes]
        queries = sorted({row[s]["queries"] for s in sizes if row.get(s)})
        cells.append(" / ".join(str(q) for q in queries) or "—")
        if len(sizes) > 1:
            a, b = row.get(min(sizes)), row.get(max(sizes))
            cells.append(f"×{b[metric] / a[metric]:.2f}" if a and b else "—")
        cells.append(verdict(row, sizes, metric))
        lines.append("| " + " | ".join(cells) + " |")
    lines += ["", "Data generated by the demo generator:", ""]
    for size, info in results["data"].items():
        stats = ", ".join(f"{v:,} {k}" for k, v in info["stats"].items())
        steps = ", ".join(f"{k} {v:.1f}s" for k, v in info["steps_s"].items())
        lines.append(f"- {int(size):,} partners: generated in {info['generate_s']}s, {info['db_mb']} MB — {stats}.")
        lines.append(f"  Steps: {steps}.")
        for step, error in info.get("failed_steps", {}).items():
            lines.append(f"  **Step {step} failed**: {error}")
    return "\n".join(lines) + "\n"


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="5000,50000", help="comma-separated partner counts (default: 5000,50000)")
    parser.add_argument("--repeat", type=int, default=20, help="timed requests per page (default: 20)")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only", help="only pages whose name contains this text (several: a|b|c)")
    parser.add_argument(
        "--schema",
        choices=("migrations", "create-all"),
        default="migrations",
        help="build the schema with the migrations (default) or from the models",
    )
    parser.add_argument(
        "--metric",
        choices=("wall", "cpu"),
        default="wall",
        help="time the verdict and growth columns use (cpu on a busy machine)",
    )
    parser.add_argument(
        "--database-url",
        action="append",
        help="the database to run in: 'sqlite' (SQLite files in a temporary directory, the default) or a "
        "PostgreSQL URL (a schema per size is made in that database, and dropped afterwards). Given more "
        "than once, every page is timed on each in turn and a side-by-side table is written too",
    )
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schemas (orchard_bench_<size>)")
    parser.add_argument(
        "--out",
        help="results file path without extension (default: bench/results/latest, latest-<engine> for "
        "engines other than SQLite)",
    )
    args = parser.parse_args(argv)
    sizes = sorted({int(s.replace("_", "").replace(",", "")) for s in re.split(r"[ ,]+", args.sizes) if s})
    urls = [None if url in (None, "sqlite") else url for url in (args.database_url or [None])]

    by_engine = run(sizes, args.repeat, args.seed, args.only, args.schema, urls, args.keep)
    written = []
    for label, results in by_engine.items():
        results["metric"] = "cpu_ms" if args.metric == "cpu" else "median_ms"
        markdown = to_markdown(results)
        name = "latest" if label == "sqlite" else f"latest-{label}"
        out = Path(args.out) if args.out else RESULTS / name
        if args.out and len(by_engine) > 1:
            out = out.with_name(f"{out.name}-{label}")
        out.parent.mkdir(parents=True, exist_ok=True)
        out.with_suffix(".md").write_text(markdown)
        out.with_suffix(".json").write_text(json.dumps(results, indent=2, default=str) + "\n")
        written.append(out)
        print(markdown)
    if len(by_engine) > 1:  # the first engine (SQLite by default) beside each other one
        from bench import compare

        first, *others = written
        for other in others:
            side = Path(args.out + "-engines") if args.out else RESULTS / "engines"
            if len(others) > 1:
                side = side.with_name(f"{side.name}-{other.name}")
            compare.main([str(first.with_suffix(".json")), str(other.with_suffix(".json")), "--out", str(side)])
    print("Written to " + ", ".join(f"{out}.md/.json" for out in written))


if __name__ == "__main__":
    main()
