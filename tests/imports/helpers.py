"""Helpers of the wizard's route tests: CSV files, an upload through the page, a run ready to preview."""

from __future__ import annotations

import io
import re

from sqlalchemy import select

from app.extensions import db
from app.models.importing import ImportRun

CHAIN_CSV = (
    "Company,Email,Status,Referred by\n"
    "Delta Design,hello@delta.example,Active client,Gamma Goods\n"
    "Alpha Agency,hello@alpha.example,Active client,\n"
    "Gamma Goods,hello@gamma.example,Prospect,Beta Builders\n"
    "Beta Builders,hello@beta.example,Active client,Alpha Agency\n"
    "Epsilon Events,not-an-email,Lead,Delta Design\n"
)


# the mapping page's value section for the Status column: what the file says -> Orchard's status
STATUS_VALUES = {
    "valuetext-partner.status-0": "Active client",
    "value-partner.status-0": "active",
    "valuetext-partner.status-1": "Prospect",
    "value-partner.status-1": "",
    "valuetext-partner.status-2": "Lead",
    "value-partner.status-2": "prospect",
}


def csv_rows(n: int, *, start: int = 1) -> str:
    lines = ["Company,Email,City"]
    lines += [f"Company {i},person@company{i}.example,Town {i % 7}" for i in range(start, start + n)]
    return "\n".join(lines) + "\n"


def upload(client, text: str | bytes = CHAIN_CSV, name: str = "book.csv", kind: str = "partners", **extra):
    data = text.encode() if isinstance(text, str) else text
    return client.post(
        "/imports/new",
        data={"file": (io.BytesIO(data), name), "kind": kind, **extra},
        content_type="multipart/form-data",
    )


def run_id_of(response) -> int:
    return int(re.search(r"/imports/(\d+)/", response.headers["Location"]).group(1))


def latest_run() -> ImportRun:
    db.session.expire_all()
    return db.session.scalars(select(ImportRun).order_by(ImportRun.id.desc())).first()


def mapping_form(run: ImportRun, fields: dict[int, str], **extra) -> dict:
    """The mapping page's form: column index -> field key (others "Don't import")."""
    form = {f"col-{i}-field": fields.get(i, "") for i in range(len(run.headers))}
    form.update({f"col-{i}-slot": "1" for i in range(len(run.headers))})
    form.setdefault("on_match", "fill")
    form.update(extra)
    return form


def previewed(client, text: str = CHAIN_CSV, fields=None, **extra) -> int:
    """Upload `text` and map it (default: the chain file's columns); returns the previewed run's id."""
    response = upload(client, text)
    assert response.status_code == 302, response.get_data(as_text=True)
    run_id = run_id_of(response)
    run = latest_run()
    fields = fields or {0: "partner.name", 1: "contact.email", 2: "partner.status", 3: "partner.referred_by"}
    if "partner.status" in fields.values():
        extra = {**STATUS_VALUES, **extra}
    response = client.post(f"/imports/{run_id}/map", data=mapping_form(run, fields, **extra))
    assert response.status_code == 302, response.get_data(as_text=True)
    return run_id


def row_url(run_id: int, number: int) -> str:
    """The action URL of row `number` of a run (routes name rows by their id)."""
    from app.models.importing import ImportRow

    ident = db.session.scalar(select(ImportRow.id).where(ImportRow.run_id == run_id, ImportRow.number == number))
    db.session.commit()  # the test's read ends before the request writes
    return f"/imports/{run_id}/rows/{ident}/action"
