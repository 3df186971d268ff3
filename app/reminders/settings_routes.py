"""Settings → Calendar & digest (the user's private calendar feed and digest frequency), and the
public feed URL itself."""

from collections import OrderedDict
from threading import Lock

from flask import abort, current_app, flash, make_response, redirect, request, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import current_user

from app import i18n
from app.extensions import db, limiter
from app.public_links import public_host, public_url
from app.reminders import bp
from app.reminders.forms import DigestForm
from app.services import calendar_feed, digest
from app.web import nav_section, public, render, unit_of_work
from app.web import now_utc as _now


def _page(digest_form=None, status=200):
    feed = calendar_feed.active_feed(db.session, current_user.id)
    if digest_form is None:
        digest_form = DigestForm(formdata=None, frequency=digest.get_frequency(db.session, current_user.id))
    return render(
        "reminders/settings.html",
        section="calendar",
        feed=feed,
        digest_form=digest_form,
        new_feed_url=session.pop("new_feed_url", None),
        status=status,
    )


@bp.route("/settings/calendar")
@nav_section("settings")
def settings():
    return _page()


@bp.route("/settings/calendar/feed", methods=["POST"])
def create_feed():
    token = calendar_feed.create_feed(db.session, current_user.id, _now())[1]
    db.session.commit()
    # Shown once, right after creation: only its hash is stored.
    session["new_feed_url"] = public_url(url_for("reminders.feed", token=token))
    flash(
        _("Calendar feed created. Copy the address now: it is shown only once. Any older address stopped working."),
        "success",
    )
    return redirect(url_for("reminders.settings"))


@bp.route("/settings/calendar/feed/revoke", methods=["POST"])
def revoke_feed():
    calendar_feed.revoke_feeds(db.session, current_user.id, _now())
    db.session.commit()
    flash(_("Calendar feed revoked: its address no longer works."), "info")
    return redirect(url_for("reminders.settings"))


@bp.route("/settings/calendar/digest", methods=["POST"])
def save_digest():
    form = DigestForm()
    if form.validate_on_submit():
        with unit_of_work(form) as uow:
            digest.set_frequency(db.session, current_user.id, form.frequency.data, _now())
        if uow.ok:
            flash(_("Digest preference saved."), "success")
            return redirect(url_for("reminders.settings"))
    return _page(form, status=422)


class _LRU:
    """The last few feeds built by this process, by (user, version): calendar apps that do not send
    If-None-Match poll the same unchanged feed again and again, and building one costs ~0.3 ms an event."""

    def __init__(self, size: int = 64):
        self.size, self.items = size, OrderedDict()
        self.lock = Lock()

    def get(self, key):
        with self.lock:
            if key in self.items:
                self.items.move_to_end(key)
                return self.items[key]
        return None

    def put(self, key, value):
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)


def _built_feeds() -> _LRU:
    return current_app.extensions.setdefault("orchard_calendar_feeds", _LRU())


@bp.route("/calendar/<token>.ics")
@public
# Limited per feed, not per address: calendar services fetch many users' feeds from shared addresses,
# and the 256-bit token cannot be guessed anyway. This only stops one leaked URL from being hammered.
@limiter.limit("30 per minute", key_func=lambda: "calendar-feed:" + (request.view_args or {}).get("token", ""))
def feed(token):
    """The user's open reminders as iCalendar. Unknown or revoked token: 404."""
    user = calendar_feed.user_for_token(db.session, token)
    if user is None:
        abort(404)
    from app.services.clock import local_today

    today = local_today(user.timezone, _now())
    version = calendar_feed.feed_version(db.session, user, today)
    headers = {"Cache-Control": "private, max-age=300", "X-Robots-Tag": "noindex", "ETag": f'"{version}"'}
    if version in request.if_none_match:
        return make_response("", 304, headers)
    body = _built_feeds().get((user.id, version, public_url("")))
    if body is None:
        rows = calendar_feed.feed_rows(db.session, user.id, today)
        host = public_host()
        with force_locale(i18n.language_of(user)):  # the feed's user's, not the calendar app's
            body = calendar_feed.build_calendar(
                user,
                rows,
                now=_now(),
                host=host,
                link=lambda reminder: public_url(
                    url_for("reminders.edit", reminder_id=reminder.id, ws=reminder.workspace_id)
                ),
            )
        _built_feeds().put((user.id, version, public_url("")), body)
    response = make_response(body, 200, headers)
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="orchard-reminders.ics"'
    return response
