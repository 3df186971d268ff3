"""Load test: gunicorn in the production configuration against the demo data, many clients at once,
then every check: `python -m bench.load`.

    python -m bench.load                                             # SQLite file, 50 clients, 60 s
    python -m bench.load --database-url postgresql+psycopg://u:pw@host/db
    python -m bench.load --clients 20 --seconds 30 --workers 4

1. A fresh database (a SQLite file, or a schema in the PostgreSQL database named, see bench/engines.py),
   the migrations, the demo generator's workspace (`--partners`, default 5,000, summaries derived)
   and one member account per client.
2. gunicorn with `--workers` sync workers (default 4) runs `app:create_app()` with ORCHARD_ENV=production
   (a random SECRET_KEY, CSRF on, Secure cookies). All clients come from one address, so the
   per-address login limit is raised for the run (LOGIN_LIMIT_PER_IP); everything else is production's.
3. Each client (bench/load_client.py) logs in with the login form, then, until the time is up, makes
   requests without pause: 70% reads of the main pages, 30% writes (log an interaction, move a deal,
   mark a commission paid, save terms, set a referrer), each sent with the page's CSRF token.
4. Afterwards: no response may be a 500; `flask summaries check` must find nothing; every write the
   server confirmed must be in the database as the client last wrote it.
Results: bench/results/load-<engine>.md and .json.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path

from bench.load_client import Client, Targets

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PASSWORD = "load test password 123"


def prepare(place, partners: int, seed: int, clients: int) -> tuple[list[str], list[Targets]]:
    """The database: schema, demo workspace, one member per client. Returns their emails and targets."""
    import flask_migrate
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.models import Commission, Deal, Membership, Partner, Terms
    from app.models.workspace import ROLE_MEMBER
    from app.services import accounts
    from app.services.demo import generate
    from config import TestingConfig

    place.create()
    app = create_app(TestingConfig, **place.config())
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        session = db.session
        owner = accounts.register_user(
            session, name="Load Owner", email="owner@load.test", password=PASSWORD, create_workspace=False
        )
        ws = accounts.create_workspace_for(session, owner, "Load Studio")
        owner.current_workspace_id = ws.id
        generate(session, ws, seed=seed, partners=partners, now=datetime.now(UTC))
        emails = [f"client{k}@load.test" for k in range(clients)]
        for email in emails:
            user = accounts.register_user(
                session, name=email.split("@")[0], email=email, password=PASSWORD, create_workspace=False
            )
            session.add(Membership(workspace_id=ws.id, user_id=user.id, role=ROLE_MEMBER))
            user.current_workspace_id = ws.id
        session.commit()
        in_ws = Partner.workspace_id == ws.id
        partner_ids = list(
            session.scalars(select(Partner.id).where(in_ws, Partner.archived_at.is_(None)).order_by(Partner.id))
        )
        deals = session.execute(select(Deal.id, Deal.stage).where(Deal.workspace_id == ws.id).order_by(Deal.id)).all()
        owed = list(
            session.scalars(
                select(Commission.id)
                .where(Commission.workspace_id == ws.id, Commission.status == "owed", Commission.kind == "earned")
                .order_by(Commission.id)
            )
        )
        with_terms = list(
            session.scalars(select(Terms.partner_id).where(Terms.workspace_id == ws.id).order_by(Terms.partner_id))
        )
        db.session.remove()
        place.analyze(db.engine)
        db.engine.dispose()
    targets = [
        Targets(
            partner_ids=partner_ids,
            deals={d.id: d.stage for d in deals[k::clients]},
            owed=owed[k::clients],
            terms_partner_ids=with_terms[k::clients] or with_terms,
            referral_partner_ids=partner_ids[k::clients],
        )
        for k in range(clients)
    ]
    return emails, targets


def _cpu_seconds(server_pid: int) -> dict:
    """CPU time so far of gunicorn (the master and its workers), of this process (the clients), and
    of the whole machine (busy and capacity), from /proc."""
    tick = os.sysconf("SC_CLK_TCK")
    stats = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(stat.parent.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))  # ppid, utime + stime
    family, found = {server_pid}, True
    while found:
        found = {pid for pid, (ppid, _) in stats.items() if ppid in family and pid not in family}
        family |= found
    cpu = [int(v) for v in Path("/proc/stat").read_text().split("\n")[0].split()[1:]]
    own = resource.getrusage(resource.RUSAGE_SELF)
    return {
        "gunicorn": sum(stats[pid][1] for pid in family if pid in stats) / tick,
        "clients": own.ru_utime + own.ru_stime,
        "machine": (sum(cpu) - cpu[3] - cpu[4]) / tick,  # all but idle and iowait
        "machine_capacity": sum(cpu) / tick,
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_env(place) -> dict:
    env = {k: v for k, v in os.environ.items() if k not in ("TEST_DATABASE_URL", "FLASK_DEBUG")}
    env.update(
        ORCHARD_ENV="production",
        SECRET_KEY=secrets.token_urlsafe(48),
        DATABASE_URL=place.server_url(),
        LOGIN_LIMIT_PER_IP="100000 per minute",
        FLASK_APP="app",
    )
    return env


def start_server(env: dict, workers: int, port: int, log: Path) -> subprocess.Popen:
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [str(gunicorn), "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--chdir", str(ROOT)]
    command += ["--error-logfile", str(log), "app:create_app()"]
    server = subprocess.Popen(command, env=env, cwd=ROOT)
    for _ in range(120):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as response:
                if response.status == 200:
                    return server
        except OSError:
            time.sleep(0.5)
    server.terminate()
    raise SystemExit("gunicorn did not answer within a minute; see " + str(log))


def run_clients(port: int, emails: list[str], targets: list[Targets], seconds: float, run_id: str) -> tuple:
    """Every client logs in, then all start together and run for `seconds`."""
    clock = {}
    start = threading.Barrier(len(emails) + 1, action=lambda: clock.update(start=time.monotonic()))
    clients = [Client(k, port, email, PASSWORD, targets[k], run_id, start, seconds) for k, email in enumerate(emails)]
    for client in clients:
        client.start()
    start.wait()
    for client in clients:
        client.join(seconds + 120)
    return clients, time.monotonic() - clock["start"]


def verify(place, clients, run_id: str) -> dict[str, dict]:
    """Each kind of confirmed write: how many, and those not in the database as last written."""
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.models import Commission, Deal, Interaction, Partner, Terms, TermsVersion
    from config import TestingConfig

    last, confirmed = {}, Counter()
    for client in clients:
        for write in client.confirmed:
            confirmed[write.kind] += 1
            last[(write.kind, write.row)] = write.value
    app = create_app(TestingConfig, **place.config())
    problems = {kind: [] for kind in ("interaction", "deal", "paid", "terms", "referrer")}
    with app.app_context():
        s = db.session
        logged = set(
            s.execute(
                select(Interaction.partner_id, Interaction.summary).where(Interaction.summary.like(f"load {run_id} %"))
            ).all()
        )
        for client in clients:
            for write in client.confirmed:
                if write.kind == "interaction" and (write.row, write.value) not in logged:
                    problems["interaction"].append(f"partner {write.row}: {write.value!r} missing")
        for (kind, row), value in last.items():
            if kind == "deal" and (stage := s.get(Deal, row).stage) != value:
                problems[kind].append(f"deal {row}: stage {stage}, last confirmed {value}")
            elif kind == "paid":
                entry = s.get(Commission, row)
                if (entry.status, entry.payment_reference) != ("paid", value):
                    problems[kind].append(f"commission {row}: {entry.status} {entry.payment_reference!r}")
            elif kind == "terms":
                clauses = s.scalar(
                    select(TermsVersion.clauses)
                    .join(
                        Terms, (Terms.partner_id == TermsVersion.partner_id) & (Terms.version == TermsVersion.version)
                    )
                    .where(Terms.partner_id == row)
                )
                if clauses != value:
                    problems[kind].append(f"partner {row}: current clauses {clauses!r}, last confirmed {value!r}")
            elif kind == "referrer" and (referrer := s.get(Partner, row).referred_by_id) != value:
                problems[kind].append(f"partner {row}: referred by {referrer}, last confirmed {value}")
        db.session.remove()
        db.engine.dispose()
    return {kind: {"confirmed": confirmed[kind], "wrong": found} for kind, found in problems.items()}


def _percentiles(values) -> dict:
    if not values:
        return {}
    values = sorted(values)
    at = lambda q: values[min(len(values) - 1, int(len(values) * q))]  # noqa: E731
    return {"p50": round(statistics.median(values), 1), "p95": round(at(0.95), 1), "p99": round(at(0.99), 1)}


def summarise(clients, elapsed: float) -> dict:
    requests = [r for c in clients for r in c.requests if r.kind != "login"]
    answered = [r for r in requests if r.status]
    kinds = sorted({r.kind for r in requests})
    return {
        "requests": len(requests),
        "seconds": round(elapsed, 1),
        "requests_per_s": round(len(answered) / elapsed, 1),
        "latency_ms": _percentiles([r.ms for r in answered]),
        "reads_ms": _percentiles([r.ms for r in answered if r.kind == "read"]),
        "writes_ms": _percentiles([r.ms for r in answered if r.kind not in ("read", "terms")]),
        "statuses": dict(sorted(Counter(str(r.status) for r in requests).items())),
        "by_kind": {k: dict(Counter(str(r.status) for r in requests if r.kind == k)) for k in kinds},
        "server_errors": sum(1 for r in requests if r.status >= 500),
        "failures": [f for c in clients for f in c.failures][:20],
        "failure_count": sum(len(c.failures) for c in clients),
        "logged_in": sum(1 for c in clients if c.token),
    }


def to_markdown(result: dict) -> str:
    s = result["stats"]
    lines = [
        f"# Load test, {result['engine']} ({result['when']})",
        "",
        f"gunicorn {result['workers']} sync workers, production configuration, {result['partners']:,}-partner demo; "
        f"{result['clients']} clients ({s['logged_in']} logged in) without pause for {s['seconds']} s, "
        "70% reads / 30% writes.",
        "",
        f"- **{s['requests_per_s']} requests/s** ({s['requests']:,} requests); latency p50 {s['latency_ms'].get('p50')} ms, "
        f"p95 {s['latency_ms'].get('p95')} ms, p99 {s['latency_ms'].get('p99')} ms "
        f"(reads p50/p95/p99 {'/'.join(str(v) for v in s['reads_ms'].values())} ms, "
        f"writes {'/'.join(str(v) for v in s['writes_ms'].values())} ms)",
        f"- statuses: {s['statuses']} (0 = no answer); server errors (5xx): **{s['server_errors']}**; "
        f"client-side failures: {s['failure_count']}",
        f"- by kind: {s['by_kind']}",
        f"- CPU during the run: gunicorn {result['cpu_s']['gunicorn']} s, load clients {result['cpu_s']['clients']} s, "
        f"the whole machine {result['cpu_s']['machine']} s of {result['cpu_s']['machine_capacity']} s "
        f"({os.cpu_count()} cores; the rest is the database server and anything else running)",
        f"- `flask summaries check`: **{'nothing found' if result['summaries_check']['ok'] else 'DIFFERENCES'}**"
        + ("" if result["summaries_check"]["ok"] else f" — {result['summaries_check']['output'][-500:]}"),
        "- confirmed writes in the database as last written: "
        + ", ".join(f"{k} {v['confirmed'] - len(v['wrong'])}/{v['confirmed']}" for k, v in result["writes"].items()),
    ]
    for kind, checked in result["writes"].items():
        for problem in checked["wrong"][:5]:
            lines.append(f"  - **{kind}**: {problem}")
    for failure in s["failures"][:5]:
        lines.append(f"  - failure: {failure}")
    if result["server_log_errors"]:
        lines.append(
            f"- server log: {len(result['server_log_errors'])} error lines, e.g. {result['server_log_errors'][:3]}"
        )
    return "\n".join(lines) + "\n"


def main(argv=None):
    from bench.engines import target

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--database-url", help="a PostgreSQL database (a schema is made in it); default: a SQLite file")
    parser.add_argument("--partners", type=int, default=5000)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema (orchard_load)")
    parser.add_argument("--out", help="results path without extension (default: bench/results/load-<engine>)")
    args = parser.parse_args(argv)

    with tempfile.TemporaryDirectory(prefix="orchard-load-") as tmp:
        place = target(args.database_url, Path(tmp), "orchard_load")
        engine = place.version()
        print(f"-- {engine}: {args.partners:,} partners, {args.clients} accounts…", file=sys.stderr, flush=True)
        emails, targets = prepare(place, args.partners, args.seed, args.clients)
        env, port, log = server_env(place), _free_port(), Path(tmp) / "gunicorn.log"
        server = start_server(env, args.workers, port, log)
        run_id = secrets.token_hex(4)
        print(f"-- {args.clients} clients for {args.seconds:g} s on port {port}…", file=sys.stderr, flush=True)
        before = _cpu_seconds(server.pid)
        try:
            clients, elapsed = run_clients(port, emails, targets, args.seconds, run_id)
            after = _cpu_seconds(server.pid)
        finally:
            server.terminate()
            server.wait(60)
        cpu = {name: round(after[name] - before[name], 1) for name in after}
        check = subprocess.run(
            [sys.executable, "-m", "flask", "summaries", "check"], env=env, cwd=ROOT, capture_output=True, text=True
        )
        result = {
            "engine": engine,
            "when": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            "partners": args.partners,
            "clients": args.clients,
            "workers": args.workers,
            "stats": summarise(clients, elapsed),
            "cpu_s": cpu,
            "summaries_check": {"ok": check.returncode == 0, "output": (check.stdout + check.stderr)[-4000:]},
            "writes": verify(place, clients, run_id),
            "server_log_errors": [
                line for line in log.read_text().splitlines() if "Error" in line or "Traceback" in line
            ],
        }
        if not args.keep:
            place.drop()
    markdown = to_markdown(result)
    out = Path(args.out) if args.out else RESULTS / f"load-{engine.split()[0].lower()}"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".md").write_text(markdown)
    out.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    print(markdown)
    wrong = sum(len(v["wrong"]) for v in result["writes"].values())
    ok = result["stats"]["server_errors"] == 0 and result["summaries_check"]["ok"] and not wrong
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
