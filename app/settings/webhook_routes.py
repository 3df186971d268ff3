"""Settings → Webhooks (owners only; for a member these pages do not exist: 404): the endpoints,
their form, the secret shown once, the delivery log and each delivery's attempts, replays."""

from __future__ import annotations

from dataclasses import dataclass

from flask import abort, current_app, flash, g, redirect, request, session, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.extensions import db
from app.ids import parse_int
from app.models import WebhookDelivery, WebhookEndpoint, WebhookEvent
from app.services.webhooks import endpoints as endpoint_service
from app.services.webhooks.events import EVENT_GROUPS, describe
from app.settings import bp
from app.settings.webhook_forms import EndpointForm
from app.tenancy import get_or_404_in_workspace
from app.web import now_utc as _now
from app.web import page_arg, per_page, render, unit_of_work, wants_fragment

SECRET_KEY = "new_webhook_secret"  # the secret of a just created endpoint / rotated secret, shown once


@dataclass(frozen=True)
class EventGroup:
    """One group of event checkboxes: its label and (type, description) items."""

    label: str
    items: list[tuple[str, str]]

    def open(self, chosen) -> bool:
        """Shown unfolded when one of its events is chosen."""
        return any(event_type in chosen for event_type, _ in self.items)


def _groups() -> list[EventGroup]:
    return [EventGroup(str(label), [(t, str(describe(t))) for t in types]) for label, types in EVENT_GROUPS]


@bp.app_template_global()
def webhook_event_types(endpoint: WebhookEndpoint) -> list[str]:
    return endpoint_service.event_types_of(endpoint)


def _owner_only():
    """These pages exist only for owners: a member gets 404, as for a page that is not there."""
    if not g.membership.is_owner:
        abort(404)


def _endpoint(endpoint_id) -> WebhookEndpoint:
    endpoint = get_or_404_in_workspace(WebhookEndpoint, endpoint_id)
    _owner_only()
    return endpoint


def _url_rules() -> dict:
    config = current_app.config
    return {
        "allow_loopback": bool(config.get("WEBHOOKS_ALLOW_LOOPBACK", False)),
        "require_https": bool(config.get("WEBHOOKS_REQUIRE_HTTPS", False)),
    }


def _show_secret_once(endpoint: WebhookEndpoint, secret: str) -> None:
    session[SECRET_KEY] = {"endpoint_id": endpoint.id, "secret": secret}


def _form_page(form: EndpointForm, endpoint: WebhookEndpoint | None, status: int = 200):
    return render(
        "settings/webhook_form.html",
        form=form,
        endpoint=endpoint,
        groups=_groups(),
        section="webhooks",
        status=status,
    )


@bp.route("/webhooks")
def webhooks():
    _owner_only()
    rows = endpoint_service.endpoints_of(db.session, g.workspace.id)
    return render("settings/webhooks.html", rows=rows, section="webhooks")


@bp.route("/webhooks/new", methods=["GET", "POST"])
def new_webhook():
    _owner_only()
    form = EndpointForm() if request.method == "POST" else EndpointForm(formdata=None, event_types=["*"])
    if request.method == "POST" and form.validate_on_submit():
        with unit_of_work(form) as uow:
            endpoint, secret = endpoint_service.create_endpoint(
                db.session, workspace_id=g.workspace.id, fields=form.data_for_service(), now=_now(), **_url_rules()
            )
        if uow.ok:
            _show_secret_once(endpoint, secret)
            flash(_("Endpoint added. Copy its signing secret now: it is shown only once."), "success")
            return redirect(url_for("settings.webhook", endpoint_id=endpoint.id))
    return _form_page(form, None, status=422 if form.errors or form.form_errors else 200)


@bp.route("/webhooks/<int:endpoint_id>")
def webhook(endpoint_id):
    endpoint = _endpoint(endpoint_id)
    shown = session.pop(SECRET_KEY, None)
    secret = shown["secret"] if shown and shown.get("endpoint_id") == endpoint.id else None
    page = endpoint_service.deliveries_page(db.session, endpoint, page_arg(), per_page())
    return render(
        "settings/webhook.html",
        "settings/_webhook_log.html",
        endpoint=endpoint,
        event_types=endpoint_service.event_types_of(endpoint),
        secret=secret,
        page=page,
        section="webhooks",
    )


@bp.route("/webhooks/<int:endpoint_id>/edit", methods=["GET", "POST"])
def edit_webhook(endpoint_id):
    endpoint = _endpoint(endpoint_id)
    if request.method == "POST":
        form = EndpointForm()
    else:
        form = EndpointForm(formdata=None, obj=endpoint, event_types=endpoint_service.event_types_of(endpoint))
    if request.method == "POST" and form.validate_on_submit():
        with unit_of_work(form) as uow:
            endpoint_service.update_endpoint(
                db.session, endpoint, fields=form.data_for_service(), now=_now(), **_url_rules()
            )
        if uow.ok:
            flash(_("Endpoint saved."), "success")
            return redirect(url_for("settings.webhook", endpoint_id=endpoint.id))
    return _form_page(form, endpoint, status=422 if form.errors or form.form_errors else 200)


def _back(endpoint: WebhookEndpoint):
    return redirect(url_for("settings.webhook", endpoint_id=endpoint.id))


@bp.route("/webhooks/<int:endpoint_id>/delete", methods=["POST"])
def delete_webhook(endpoint_id):
    endpoint = _endpoint(endpoint_id)
    with unit_of_work():
        endpoint_service.delete_endpoint(db.session, endpoint)
    flash(_("Endpoint deleted: nothing more is sent to it."), "info")
    return redirect(url_for("settings.webhooks"))


@bp.route("/webhooks/<int:endpoint_id>/enabled", methods=["POST"])
def set_webhook_enabled(endpoint_id):
    endpoint = _endpoint(endpoint_id)
    enabled = request.form.get("enabled") == "1"
    with unit_of_work():
        endpoint_service.set_enabled(db.session, endpoint, enabled, _now())
    flash(_("Endpoint enabled.") if enabled else _("Endpoint disabled: no events are sent to it."), "success")
    return _back(endpoint)


@bp.route("/webhooks/<int:endpoint_id>/rotate", methods=["POST"])
def rotate_webhook_secret(endpoint_id):
    endpoint = _endpoint(endpoint_id)
    with unit_of_work():
        secret = endpoint_service.rotate_secret(db.session, endpoint, _now())
    _show_secret_once(endpoint, secret)
    flash(_("New signing secret made; the old one no longer verifies. Copy it now: it is shown only once."), "success")
    return _back(endpoint)


def _action_answer(endpoint: WebhookEndpoint, uow, message: str):
    """htmx: a status fragment (422 with the reason when refused); otherwise a flash and the page."""
    if wants_fragment():
        return render(
            "settings/_webhook_action.html",
            ok=uow.ok,
            message=message if uow.ok else uow.error.message,
            status=200 if uow.ok else 422,
        )
    flash(message if uow.ok else uow.error.message, "success" if uow.ok else "error")
    return _back(endpoint)


@bp.route("/webhooks/<int:endpoint_id>/test", methods=["POST"])
def test_webhook(endpoint_id):
    endpoint = _endpoint(endpoint_id)
    with unit_of_work() as uow:
        endpoint_service.send_test(db.session, endpoint, _now())
    return _action_answer(endpoint, uow, _("Test event queued: it appears in the log below within a minute."))


@bp.route("/webhooks/<int:endpoint_id>/replay-failed", methods=["POST"])
def replay_failed_webhooks(endpoint_id):
    endpoint = _endpoint(endpoint_id)
    count = 0
    with unit_of_work() as uow:
        count = endpoint_service.replay_failed(db.session, endpoint, _now())
    message = ngettext(
        "%(num)d failed delivery will be sent again.", "%(num)d failed deliveries will be sent again.", count
    )
    return _action_answer(endpoint, uow, message)


def _delivery(endpoint_id, delivery_id) -> tuple[WebhookEndpoint, WebhookDelivery, WebhookEvent]:
    """The endpoint and one of its deliveries with its event (another endpoint's delivery: 404)."""
    endpoint = _endpoint(endpoint_id)
    found = endpoint_service.delivery_of(db.session, endpoint, parse_int(delivery_id))
    if found is None:
        abort(404)
    return (endpoint, *found)


@bp.route("/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>")
def webhook_delivery(endpoint_id, delivery_id):
    endpoint, delivery, event = _delivery(endpoint_id, delivery_id)
    return render(
        "settings/webhook_delivery.html",
        endpoint=endpoint,
        delivery=delivery,
        event=event,
        attempts=endpoint_service.attempts_of(db.session, delivery),
        section="webhooks",
    )


@bp.route("/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/replay", methods=["POST"])
def replay_webhook_delivery(endpoint_id, delivery_id):
    endpoint, delivery, _event = _delivery(endpoint_id, delivery_id)
    with unit_of_work() as uow:
        endpoint_service.replay_one(db.session, delivery, _now())
    return _action_answer(endpoint, uow, _("The event will be sent again within a minute."))
