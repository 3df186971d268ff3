"""The report period from the query string (?period=quarter|12m|custom&from=&to=&compare=1)."""

from __future__ import annotations

from dataclasses import dataclass

from flask import request
from flask_login import current_user

from app.services.clock import local_today
from app.services.reports.period import Period, choose
from app.web import date_arg, now_utc


@dataclass(frozen=True)
class Asked:
    period: Period
    before: Period | None  # the period to compare with, when asked for


def period_from_request() -> Asked:
    today = local_today(current_user.timezone, now_utc())
    period = choose(request.args.get("period"), date_arg("from"), date_arg("to"), today)
    return Asked(period, period.previous() if request.args.get("compare") == "1" else None)
