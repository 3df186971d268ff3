"""Deterministic demo data. `generate()` runs each feature's step in order; a step is a function
step(ctx) that adds rows with bulk inserts (so 50,000 partners take seconds, not minutes).

Later features add their own module here and append its step to STEPS. The summaries (counts,
activity, totals, tree stats) are rebuilt once at the end."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime
from types import ModuleType

from sqlalchemy.orm import Session

from app.models import Workspace
from app.services.demo import words_en, words_ru

# locale -> the words its demo is written in (every module has the same names, see words_en)
WORDS = {"en": words_en, "ru": words_ru}


@dataclass
class DemoContext:
    session: Session
    workspace: Workspace
    rng: random.Random
    now: datetime
    partners: int
    words: ModuleType = words_en  # the locale's names, companies and notes (WORDS)
    member_ids: list[int] = field(default_factory=list)
    partner_ids: list[int] = field(default_factory=list)
    # partner id -> its contact ids, filled by the partners step
    contact_ids: dict[int, list[int]] = field(default_factory=dict)
    stats: dict[str, int] = field(default_factory=dict)


def steps():
    from app.services.demo import deals as demo_deals
    from app.services.demo import interactions as demo_interactions
    from app.services.demo import people
    from app.services.demo import referrals as demo_referrals
    from app.services.demo import reminders as demo_reminders

    return [
        people.members_step,
        people.partners_step,
        demo_referrals.step,
        demo_reminders.step,
        demo_deals.step,
        # last: histories follow the agreed cadence the deals/terms step sets
        demo_interactions.step,
    ]


def generate(
    session: Session, workspace: Workspace, *, seed: int, partners: int, now: datetime, locale: str = "en"
) -> DemoContext:
    """Run every step, then derive the workspace's summaries once (the steps bulk-insert, which
    bypasses the flush hooks that keep them). `locale` (one of WORDS) is the language of the
    names, companies and notes; the English words are the default."""
    from app import summaries

    ctx = DemoContext(
        session=session,
        workspace=workspace,
        rng=random.Random(seed),
        now=now,
        partners=partners,
        words=WORDS[locale],
    )
    for step in steps():
        step(ctx)
        session.flush()
    summaries.rebuild(session, workspace.id)
    return ctx
