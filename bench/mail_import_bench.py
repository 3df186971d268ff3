"""Import speed of the email history import: messages per second on an mbox.

    python -m bench.mail_import_bench                      # 10,000 messages, a 5,000-partner book
    python -m bench.mail_import_bench --messages 50000 --book 50000

Builds a fresh SQLite database (schema from the migrations, the book from the demo generator),
gives every partner of the book a website domain and a contact there, writes an mbox of
`--messages` messages — 60% between the user and a contact (half each way, some with a Cc), 10%
from unknown people at a partner's domain (suggestions), 10% newsletters / no-reply, 10% internal,
10% from strangers; 5% repeated (duplicates) — then imports it the way the job does (streamed,
committing every 100 messages) and reports the wall time, messages per second and peak memory.
Results: stdout, and a line appended to bench/results/mail_import.md.
"""

from __future__ import annotations

import argparse
import random
import resource
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from email.utils import format_datetime
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"


def _message(n: int, sender: str, to: str, when: datetime, *, cc: str | None = None, bulk=False) -> bytes:
    msg = EmailMessage()
    msg["From"] = sender
    msg["To"] = to
    if cc:
        msg["Cc"] = cc
    msg["Subject"] = f"Project update {n}"
    msg["Date"] = format_datetime(when)
    msg["Message-ID"] = f"<bench{n}@mail.test>"
    if bulk:
        msg["List-Unsubscribe"] = "<mailto:unsubscribe@news.test>"
    msg.set_content(f"Hello,\n\nhere is the update number {n}.\n\nBest regards\n" + "Some more text. " * 40)
    return bytes(msg)


def write_mbox(path: Path, count: int, contacts: list[str], domains: list[str], me: str, now: datetime, seed: int):
    rng = random.Random(seed)
    written = []
    with path.open("wb") as out:
        for n in range(count):
            if written and rng.random() < 0.05:
                data = rng.choice(written)
            else:
                when = now - timedelta(minutes=rng.randrange(1, 365 * 24 * 60))
                pick = rng.random()
                if pick < 0.3:
                    data = _message(n, rng.choice(contacts), me, when)
                elif pick < 0.6:
                    data = _message(n, me, rng.choice(contacts), when, cc=rng.choice(contacts) if pick < 0.35 else None)
                elif pick < 0.7:
                    data = _message(n, f"new{n}@{rng.choice(domains)}", me, when)
                elif pick < 0.8:
                    data = _message(n, "noreply@shop.test", me, when, bulk=pick < 0.75)
                elif pick < 0.9:
                    data = _message(n, me, me, when)
                else:
                    data = _message(n, f"stranger{n}@nowhere.test", me, when)
                if len(written) < 2000:
                    written.append(data)
            out.write(b"From bench@mail.test Tue Nov 17 10:00:00 2026\n")
            for line in data.split(b"\n"):
                out.write((b">" + line if line.startswith(b"From ") else line) + b"\n")
            out.write(b"\n")


def measure(messages: int, book: int, workdir: Path, seed: int) -> dict:
    import flask_migrate
    from sqlalchemy import select

    from app import create_app
    from app.extensions import db
    from app.models import Contact, Partner
    from app.services import accounts
    from app.services.demo import generate
    from app.services.mail_log import importing
    from config import TestingConfig

    app = create_app(
        TestingConfig, SQLALCHEMY_DATABASE_URI=f"sqlite:///{workdir / 'bench.db'}", TESTING=False, DEBUG=False
    )
    with app.app_context():
        flask_migrate.upgrade(revision="heads")
        now = datetime.now(UTC)
        user = accounts.register_user(
            db.session,
            name="Bench Owner",
            email="bench@example.com",
            password="bench password 123",
            create_workspace=False,
            hash_method="pbkdf2:sha256:1000",
        )
        workspace = accounts.create_workspace_for(db.session, user, "Bench Studio")
        generate(db.session, workspace, seed=seed, partners=book, now=now)
        db.session.commit()
        contacts, domains = [], []
        for index, partner in enumerate(
            db.session.scalars(select(Partner).where(Partner.workspace_id == workspace.id))
        ):
            domain = f"p{index}.test"
            partner.website = f"https://www.{domain}/"
            domains.append(domain)
            email = f"contact@{domain}"
            db.session.add(
                Contact(workspace_id=workspace.id, partner_id=partner.id, name=f"Contact {index}", email=email)
            )
            contacts.append(email)
        db.session.commit()
        path = workdir / "export.mbox"
        write_mbox(path, messages, contacts, domains, user.email, now, seed)
        user_id, workspace_id = user.id, workspace.id
        started = time.perf_counter()
        outcome = importing.import_files(
            db.session,
            workspace_id=workspace_id,
            user_id=user_id,
            paths=[path],
            file_format="mbox",
            now=now,
            progress=lambda _o: db.session.commit(),
        )
        db.session.commit()
        elapsed = time.perf_counter() - started
    return {
        "messages": messages,
        "book": book,
        "mbox_mb": round(path.stat().st_size / 1e6, 1),
        "seconds": round(elapsed, 1),
        "per_second": round(messages / elapsed),
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "outcome": outcome.as_dict(),
    }


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--messages", type=int, default=10_000)
    parser.add_argument("--book", type=int, default=5_000)
    parser.add_argument("--seed", type=int, default=16)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as directory:
        result = measure(args.messages, args.book, Path(directory), args.seed)
    line = (
        f"| {result['messages']:,} | {result['book']:,} | {result['mbox_mb']} MB | {result['seconds']} s | "
        f"{result['per_second']:,}/s | {result['peak_mb']} MB | {result['outcome']} |"
    )
    print(line)
    RESULTS.mkdir(exist_ok=True)
    with (RESULTS / "mail_import.md").open("a") as out:
        out.write(line + "\n")


if __name__ == "__main__":
    main()
