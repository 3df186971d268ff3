"""Names the dead-code check (vulture, run by scripts/lint.sh) cannot see being used.

Vulture reads Python only, and matches by name: it cannot see a template reading `form.agreed_on`,
SQLAlchemy calling `process_bind_param`, or a column that only SQL reads. Decorated entry points
(routes, CLI commands, Jinja globals, fixtures, ORM events) are recognised in pyproject.toml
([tool.vulture] ignore_decorators); everything else that is used where vulture cannot look is listed
here, with where it is used. Listing a name is a claim that it is used.

KNOWN_UNUSED is the exception: code that is dead today and waits for its owner to remove it. It is
emptied as the removals land; never add to it (remove the dead code instead).

tests/test_architecture.py imports this module, so an entry whose code has gone (renamed, moved,
removed) fails the suite: delete the entry together with the code.
"""

from app.deals.forms import DealForm
from app.extensions import login_manager
from app.models import (
    Commission,
    ContactMerge,
    DigestLog,
    DuplicateDismissal,
    HealthWeek,
    Invite,
    OwnerMonth,
    Partner,
    PartnerActivity,
    PartnerMerge,
    ReferralChange,
    StatementLink,
    UserSession,
)
from app.models.base import UTCDateTime
from app.models.importing import ImportRun
from app.services.sqltime import epoch_seconds
from app.settings.two_factor_routes import send_members_without_two_factor_to_enrol
from app.terms.forms import TermsForm


class _RunTime:
    """Stands for objects that exist only at run time (flask.g, a dataclass's fields without a default)."""

    def __getattr__(self, name):
        return name


_ = _RunTime()

READ_BY_FRAMEWORKS = (
    # Flask-Login's settings (app/auth/session.py)
    login_manager.login_view,
    login_manager.login_message,
    login_manager.login_message_category,
    # SQLAlchemy's TypeDecorator and custom SQL function hooks
    UTCDateTime.impl,
    UTCDateTime.cache_ok,
    UTCDateTime.process_bind_param,
    # Flask calls it before every request (@bp.before_app_request, app/settings/two_factor_routes.py)
    send_members_without_two_factor_to_enrol,
    # WTForms calls a field's hooks (app/number_fields.py LocalDecimalField)
    _.process_data,
    _.pre_validate,
    # http.server calls and reads these on the tests' webhook receiver (tests/webhooks/helpers.py)
    _.do_POST,
    _.log_message,
    _.daemon_threads,
    epoch_seconds.inherit_cache,
    # per-request memos read back with g.get("...") by name (app/reminders/routes.py)
    _._reminder_labels,
    _._reminder_url_templates,
    _._reminder_days,
    # the Export menus' labels, read back with g.get("_export_format_labels") (app/exports/routes.py)
    _._export_format_labels,
    # the report owner filter's choices, read back with g.get("_report_owner_choices") (app/reports/kit.py)
    _._report_owner_choices,
    # the language picked with ?lang=, read back with g.get("picked_locale") (app/i18n.py)
    _.picked_locale,
    # ReportTable.currency_index, read by the report_table macro (templates/reports/_macros.html)
    _.currency_index,
    # openpyxl reads the sheet's frozen panes when it saves (app/services/exporting/xlsx_writer.py)
    _.freeze_panes,
    # the request's transaction mode, read back with g.pop("transaction_mode") (app/__init__.py)
    _.transaction_mode,
    # the DB-API connection attribute SQLite's driver reads (app/database.py)
    _.isolation_level,
    # PartnerActivity inputs and moments, read by name through the table's columns by
    # app/services/neglect/rules.py (moments, flags_at) and app/summaries/partner_activity.py
    PartnerActivity.cadence_override,
    PartnerActivity.response_override,
    PartnerActivity.third_touch_s,
    PartnerActivity.third_our_s,
    PartnerActivity.run_break_s,
    PartnerActivity.soon_s,
    PartnerActivity.burst,
    PartnerActivity.thread_from_s,
    PartnerActivity.thread_until_s,
    # aiosmtpd calls the handler's handle_DATA (tests/reminders/conftest.py)
    _.handle_DATA,
    # WTForms reads a form's Meta (app/duplicates/forms.py PickForm: a GET search without CSRF)
    _.Meta,
    # flask-smorest calls it from Api.init_app; ours leaves the app's HTML error pages alone (app/api/__init__.py)
    _._register_error_handlers,
    _._register_responses,  # the same: its documented error responses are problem details
    # Flask-Login reads the request's user from g._login_user; the API sets it to the token's (app/api/auth.py)
    _._login_user,
    # read back with g.get("api_caller") (app/api/auth.py record_use)
    _.api_caller,
    # marshmallow dumps the schema's declared fields (app/representations/schemas.py ContactSchema)
    _.removed,
    # Flask-Login calls user.get_id() at login (app/auth/signin.py begin_session)
    _.get_id,
    # read back with g.pop("csrf_rotated") (app/auth/signin.py full_reload_after_rotation)
    _.csrf_rotated,
    # read back with g.pop("touch_session_at") (app/auth/session.py record_last_seen)
    _.touch_session_at,
    # the auth fixture's flaskr-style API (tests/conftest.py); no test logs out through it yet
    _.logout,
)

READ_IN_TEMPLATES = (
    UserSession.device,  # templates/settings/security.html (the session list)
    DealForm.value_to_us_note,  # templates/deals/form.html, show.html (form field and Deal column)
    DealForm.value_to_partner_note,
    TermsForm.payment_terms_days,  # templates/terms/tab.html (form field and TermsVersion column)
    TermsForm.agreed_on,
    ReferralChange.from_partner_id,  # templates/referrals/tab.html (the re-attribution history)
    ReferralChange.to_partner_id,
    _.explanation,  # neglect.Component, templates/interactions/_health.html
    _.contact_name,  # referral_tree.Summary, templates/referrals/tab.html, interactions/_feed.html
    _.total_partners,  # referral_tree.Report, templates/referrals/report.html
    _.growing_branches,
    _.dead_branches,
    Partner.merged_into,  # templates/partners/_page.html ("Merged into X on <date> — undo")
    ImportRun.undone_at,  # templates/imports/result.html (when an import was undone)
    _.last_status,  # webhooks endpoints.EndpointRow, templates/settings/webhooks.html
    _.last_code,
    _.disabled_at,  # WebhookEndpoint, templates/settings/webhook.html ("Disabled since …")
    _.delivered_at,  # WebhookDelivery, templates/settings/webhook_delivery.html
    _.response_excerpt,  # WebhookAttempt, templates/settings/webhook_delivery.html (first KB of the answer)
    _.deleted_by,  # trash.TrashItem, templates/settings/trash.html (who deleted it)
    _.touch_kind,
)

COLUMNS_KEPT_FOR_THE_RECORD = (
    # written by a service, read by no Python code today (SQL, exports and people may)
    Commission.paid_by_id,  # who marked the entry paid (the commissions service)
    DigestLog.sent_at,  # when the digest went out (the digest service)
    Invite.accepted_by_id,  # who accepted the invite (the accounts service)
    PartnerMerge.undone_by_id,  # who undid a merge (app/services/merging/undo.py)
    ContactMerge.undone_by_id,
    DuplicateDismissal.dismissed_by_id,  # who said "Not duplicates", and when (app/services/duplicates.py)
    DuplicateDismissal.dismissed_at,
    # PartnerActivity columns derived by app/summaries/partner_activity.py and compared by its
    # check; no neglect rule reads these two yet
    PartnerActivity.last_our_s,
    PartnerActivity.run_contact_id,
    # report aggregates' counters, read and written by their names (FLAG_COLUMNS, ANSWER_COLUMNS of
    # app/models/report_weeks.py) in app/summaries/health_weeks.py and owner_months.py
    HealthWeek.not_answering,
    HealthWeek.burst_then_silence,
    OwnerMonth.answer_0,
    OwnerMonth.answer_1,
    OwnerMonth.answer_2,
    OwnerMonth.answer_3,
    OwnerMonth.answer_4,
    OwnerMonth.answer_5,
    OwnerMonth.answer_6,
    OwnerMonth.answer_7,
)


KNOWN_UNUSED = (
    StatementLink.last_opened_at,  # column nothing writes (only the demo data sets it to None)
)


# The "mail.sync" job's task, registered by @task and called by app/jobs/runner.py from the Job's kind
from app.jobs.mail_sync import sync_job  # noqa: E402

READ_BY_FRAMEWORKS += (sync_job,)


# The reports' measures (app/models/report.py) are read and written by name from MEASURES, in
# app/summaries/partner_outcomes.py and app/services/reports/outcomes.py
from app.models.report import OutcomeBucket, SourceFix  # noqa: E402

READ_BY_FRAMEWORKS += (
    OutcomeBucket.won_partners,
    OutcomeBucket.win_win,
    OutcomeBucket.retained,
    OutcomeBucket.won_deals,
    OutcomeBucket.won_amount,
    # the source-drift fix's record: written and read by migration 0014's SQL (its downgrade)
    SourceFix,
    SourceFix.old_source,
)
