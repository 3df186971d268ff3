"""Time `flask data import` end to end (read, preview, run) on SQLite.

    python -m bench.import_bench                          # 10,000 rows into a 50,000-partner book
    python -m bench.import_bench --rows 100000 --book 5000

Builds a fresh SQLite file in a temporary directory (schema from the migrations, the book from the
demo generator), writes a CSV of `--rows` rows — a company, its website, two contacts, a status, and
a "Referred by" naming another row of the file (rows in random order, so most referrers come later
in the file; chains several generations deep), 10% of them duplicates of partners of the book (same
contact email, or same name) — then runs the CLI in a child process and reports its wall time and
CPU time and peak memory (the child's maximum resident set size), and the partners, contacts and referrals it
wrote. Results: stdout, and a line appended to bench/results/import.md.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
ROOT = Path(__file__).resolve().parent.parent
HEADERS = ["Company", "Website", "Contact", "Email", "Contact 2", "Email 2", "Status", "Referred by"]
FIELDS = {
    "Company": "partner.name",
    "Website": "partner.website",
    "Contact": ("contact.name", 1),
    "Email": ("contact.email", 1),
    "Contact 2": ("contact.name", 2),
    "Email 2": ("contact.email", 2),
    "Status": "partner.status",
    "Referred by": "partner.referred_by",
}
SYLLABLES = [
    "ka",
    "lo",
    "mi",
    "ne",
    "ru",
    "sa",
    "ti",
    "vo",
    "ba",
    "de",
    "fi",
    "go",
    "hu",
    "ja",
    "ke",
    "li",
    "mo",
    "nu",
    "pe",
    "ri",
    "so",
    "tu",
    "va",
    "we",
    "xi",
    "yo",
    "za",
]


def invented(rng) -> str:
    return "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))).title()


def build_book(database_url: str, book: int, seed: int):
    """A workspace filled by the demo generator; (workspace id, [(name, email)] of some partners)."""
    import flask_migrate
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.models import Contact, Partner
    from app.services import accounts
    from app.services.demo import generate
    from config import TestingConfig

    app = create_app(TestingConfig, SQLALCHEMY_DATABASE_URI=database_url, TESTING=False)
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        user = accounts.register_user(
            db.session, name="Bench Owner", email="bench@example.com", password="bench password 123",
            create_workspace=False, hash_method="pbkdf2:sha256:1000",
        )  # fmt: skip
        workspace = accounts.create_workspace_for(db.session, user, "Bench Studio")
        generate(db.session, workspace, seed=seed, partners=book, now=datetime.now(UTC))
        db.session.commit()
        known = db.session.execute(
            select(Partner.name, Contact.email)
            .outerjoin(Contact, Contact.partner_id == Partner.id)
            .where(Partner.workspace_id == workspace.id)
            .order_by(Partner.id)
        ).all()
        return workspace.id, [(name, email) for name, email in known]


def write_csv(path: Path, rows: int, known: list, seed: int) -> None:
    rng = random.Random(seed)
    rank = list(range(rows))
    rng.shuffle(rank)  # rank[i]: the row's place in the referral forest; row i refers to a lower rank
    by_rank = sorted(range(rows), key=lambda i: rank[i])
    names = []
    for i in range(rows):
        if i % 10 == 9 and known:  # a duplicate of the book: by its contact email or by its name
            names.append(rng.choice(known))
        else:
            names.append((f"{invented(rng)} {invented(rng)} {rng.choice(['Studio', 'GmbH', 'Partners', 'Lab'])}", None))
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADERS)
        for i in range(rows):
            name, known_email = names[i]
            slug = f"firm{i}"
            referrer = ""
            if rank[i] > 0 and rng.random() < 0.9:
                referrer = names[by_rank[rng.randrange(max(0, rank[i] - 50), rank[i])]][0]
            email = known_email or f"anna@{slug}.example"
            writer.writerow(
                [name, f"www.{slug}.example", "Anna Berg", email, "Max Ko", f"max@{slug}.example", "active", referrer]
            )


def run_cli(database_url: str, workspace_id: int, csv_path: Path, mapping_path: Path) -> dict:
    env = {**os.environ, "DATABASE_URL": database_url, "FLASK_APP": "app", "FLASK_DEBUG": "0"}
    command = [sys.executable, "-m", "flask", "data", "import", str(csv_path), "--workspace", str(workspace_id)]
    command += ["--as", "partners", "--mapping", str(mapping_path)]
    started = time.perf_counter()
    with tempfile.TemporaryFile("w+") as out, tempfile.TemporaryFile("w+") as err:
        child = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=err, text=True)
        _pid, status, usage = os.wait4(child.pid, 0)  # this child's own CPU time and peak memory
        child.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        stdout, stderr = out.read(), err.read()
    peak_kb, cpu = usage.ru_maxrss, usage.ru_utime + usage.ru_stime
    summary = [line for line in stdout.splitlines() if line.startswith(("Preview:", "Imported"))]
    return {
        "exit": child.returncode,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu, 1),
        "peak_rss_mb": round(peak_kb / 1024),
        "summary": summary,
        "stderr": stderr[-2000:],
    }


def counts(database_url: str, workspace_id: int) -> dict:
    from sqlalchemy import create_engine, text

    engine = create_engine(database_url)
    with engine.connect() as connection:
        one = lambda sql: connection.execute(text(sql), {"ws": workspace_id}).scalar()  # noqa: E731
        return {
            "partners": one("SELECT count(*) FROM partner WHERE workspace_id = :ws"),
            "contacts": one("SELECT count(*) FROM contact WHERE workspace_id = :ws"),
            "referral changes": one("SELECT count(*) FROM referral_change WHERE workspace_id = :ws"),
        }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=10_000)
    parser.add_argument("--book", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keep", type=Path, default=None, help="Copy the database and the CSV here before the run.")
    parser.add_argument("--build", default=None, help=argparse.SUPPRESS)  # the child that builds the book
    args = parser.parse_args(argv)
    if args.build:
        workspace_id, known = build_book(args.build, args.book, args.seed)
        print(json.dumps([workspace_id, known[:: max(1, len(known) // 5000)]]))
        return
    from app.services.importing.fields import ColumnMap, Mapping

    with tempfile.TemporaryDirectory(prefix="orchard-import-") as workdir:
        work = Path(workdir)
        url = f"sqlite:///{work / 'bench.db'}"
        t0 = time.perf_counter()
        # in a child process: the CLI's child is forked from this one, and would start with its memory
        built = subprocess.run(
            [sys.executable, "-m", "bench.import_bench", "--build", url, "--book", str(args.book), "--seed", str(args.seed)],
            cwd=ROOT, capture_output=True, text=True, check=True,
        )  # fmt: skip
        workspace_id, known = json.loads(built.stdout.strip().splitlines()[-1])
        book_s = time.perf_counter() - t0
        csv_path, mapping_path = work / "import.csv", work / "mapping.json"
        write_csv(csv_path, args.rows, [tuple(pair) for pair in known], args.seed)
        columns = [
            ColumnMap(h, i, *(FIELDS[h] if isinstance(FIELDS[h], tuple) else (FIELDS[h], 1)))
            for i, h in enumerate(HEADERS)
        ]
        mapping_path.write_text(json.dumps(Mapping(kind="partners", columns=columns).to_json()))
        before = counts(url, workspace_id)
        if args.keep:
            import shutil

            args.keep.mkdir(parents=True, exist_ok=True)
            for name in ("bench.db", "import.csv", "mapping.json"):
                shutil.copy(work / name, args.keep / name)
        result = run_cli(url, workspace_id, csv_path, mapping_path)
        after = counts(url, workspace_id)
    written = {k: after[k] - before[k] for k in after}
    report = (
        f"| {args.rows:,} rows | {args.book:,} partners | {result['seconds']} s | {result['cpu_seconds']} s | "
        f"{result['peak_rss_mb']} MB | "
        f"exit {result['exit']} | {', '.join(f'{v:,} {k}' for k, v in written.items())} |"
    )
    print(f"book generated in {book_s:.0f} s")
    print("\n".join(result["summary"]))
    print(report)
    if result["exit"] not in (0, 1) or not written["partners"]:
        print(result["stderr"], file=sys.stderr)
    RESULTS.mkdir(exist_ok=True)
    results = RESULTS / "import.md"
    if not results.exists():
        results.write_text(
            "| rows | book | wall | CPU | peak memory | exit | written |\n|---|---|---|---|---|---|---|\n"
        )
    with results.open("a", encoding="utf-8") as handle:
        handle.write(report + "\n")


if __name__ == "__main__":
    main()
