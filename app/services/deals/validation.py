"""What a deal may hold: currency, amount, the win-win values, texts, and the rules of its stages."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from babel.numbers import list_currencies
from sqlalchemy.orm import Session

from app.messages import N_plural
from app.models.deal import STAGES, VALUE_SCALE
from app.services import ServiceError
from app.services.accounts import check_owner
from app.services.money import STORED, decimals, to_minor_unit

MAX_AMOUNT = Decimal("999999999999.99")
_CURRENCIES = frozenset(c for c in list_currencies() if not c.startswith("X"))


def check_currency(code: str | None) -> str:
    code = (code or "").strip().upper()
    if len(code) != 3 or code not in _CURRENCIES:
        raise ServiceError("Use a three-letter ISO currency code, like EUR or USD.", field="currency")
    if decimals(code) > 2:
        raise ServiceError(
            "%(code)s uses three decimals; Orchard keeps amounts with at most two.", field="currency", code=code
        )
    return code


def check_amount(value, currency: str) -> Decimal:
    try:
        amount = Decimal(str(value)) if value is not None and str(value).strip() != "" else Decimal("0")
    except InvalidOperation:
        raise ServiceError("Enter the amount as a number, like 1200.50.", field="amount") from None
    if not amount.is_finite() or amount < 0:
        raise ServiceError("The amount cannot be negative.", field="amount")
    if amount > MAX_AMOUNT:
        raise ServiceError("That amount is too large.", field="amount")
    if amount != to_minor_unit(amount, currency):
        raise ServiceError(
            N_plural(
                "%(currency)s amounts have at most %(num)s decimal.",
                "%(currency)s amounts have at most %(num)s decimals.",
                decimals(currency),
            ),
            field="amount",
            currency=currency,
        )
    return amount.quantize(STORED)


def _check_value(value, field_name: str) -> int | None:
    if value in (None, ""):
        return None
    try:
        value = int(value)
    except (TypeError, ValueError):
        raise ServiceError("Choose a value on the scale.", field=field_name) from None
    if value not in VALUE_SCALE:
        raise ServiceError("Choose a value on the scale.", field=field_name)
    return value


def clean_text(value, limit: int | None = None) -> str | None:
    value = (value or "").strip()
    if limit:
        value = value[:limit]
    return value or None


def validated(session: Session, workspace_id: int, data: dict, current_stage: str | None) -> dict:
    """The deal's fields from a form's data, checked; raises ServiceError naming the field."""
    title = (data.get("title") or "").strip()
    if not title:
        raise ServiceError("Give the deal a title.", field="title")
    if len(title) > 200:
        raise ServiceError("Keep the title under 200 characters.", field="title")
    currency = check_currency(data.get("currency"))
    amount = check_amount(data.get("amount"), currency)
    stage = data.get("stage") or current_stage or "lead"
    if stage not in STAGES:
        raise ServiceError("Choose a stage.", field="stage")
    check_owner(session, workspace_id, data.get("owner_id"))
    clean = {
        "title": title,
        "currency": currency,
        "amount": amount,
        "stage": stage,
        "expected_close_on": data.get("expected_close_on"),
        "owner_id": data.get("owner_id"),
        "notes": clean_text(data.get("notes")),
        "lost_reason": clean_text(data.get("lost_reason")),
        "value_to_us": _check_value(data.get("value_to_us"), "value_to_us"),
        "value_to_partner": _check_value(data.get("value_to_partner"), "value_to_partner"),
        "value_to_us_note": clean_text(data.get("value_to_us_note"), 300),
        "value_to_partner_note": clean_text(data.get("value_to_partner_note"), 300),
    }
    check_stage_rules(stage, amount, clean["lost_reason"])
    return clean


def check_stage_rules(stage: str, amount: Decimal, lost_reason: str | None) -> None:
    if stage == "won" and amount <= 0:
        raise ServiceError("A won deal needs its amount: commissions are paid only on a real sale.", field="amount")
    if stage == "lost" and not lost_reason:
        raise ServiceError("Say why the deal was lost, so the team can learn from it.", field="lost_reason")
