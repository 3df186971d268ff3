"""Baseline schema: every table, index and constraint of Orchard's first version, in one step.

(The feature branches of the first version, their merge, and the later indexes for PostgreSQL were
squashed into this one linear baseline before any deployment existed. List indexes end with the key
and the referral roots have a partial index: see docs/PERFORMANCE.md, "What PostgreSQL needs".)

Revision ID: 0001
Revises:
Create Date: 2026-12-01

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "workspace",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("default_currency", sa.String(length=3), nullable=False),
        sa.Column("cadence_a_days", sa.Integer(), nullable=False),
        sa.Column("cadence_b_days", sa.Integer(), nullable=False),
        sa.Column("cadence_c_days", sa.Integer(), nullable=False),
        sa.Column("response_time_days", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_workspace")),
    )
    op.create_table(
        "commission_total",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("entry_count", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_commission_total_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission_total")),
    )
    with op.batch_alter_table("commission_total", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commission_total_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index("ix_commission_total_ws_status_month", ["workspace_id", "status", "month"], unique=False)

    op.create_table(
        "touch_week",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("week_start", sa.Date(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("touches", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_touch_week_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_touch_week")),
        sa.UniqueConstraint("workspace_id", "week_start", "author_id", name=op.f("uq_touch_week_workspace_id")),
    )
    op.create_table(
        "user",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("email", sa.String(length=254), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("password_hash", sa.String(length=256), nullable=False),
        sa.Column("timezone", sa.String(length=64), nullable=False),
        sa.Column("locale", sa.String(length=16), nullable=False),
        sa.Column("current_workspace_id", sa.Integer(), nullable=True),
        sa.Column("session_version", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["current_workspace_id"],
            ["workspace.id"],
            name=op.f("fk_user_current_workspace_id_workspace"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user")),
        sa.UniqueConstraint("email", name=op.f("uq_user_email")),
    )
    op.create_table(
        "calendar_feed",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_calendar_feed_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_calendar_feed")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_calendar_feed_token_hash")),
    )
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_calendar_feed_user_id"), ["user_id"], unique=False)

    op.create_table(
        "deal_total",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("month", sa.Date(), nullable=True),
        sa.Column("deal_count", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Numeric(precision=16, scale=2), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["owner_id"], ["user.id"], name=op.f("fk_deal_total_owner_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_deal_total_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal_total")),
    )
    with op.batch_alter_table("deal_total", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_total_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index("ix_deal_total_ws_stage_month", ["workspace_id", "stage", "month"], unique=False)

    op.create_table(
        "digest_log",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("sent_on", sa.Date(), nullable=False),
        sa.Column("sent_at", sa.DateTime(), nullable=False),
        sa.Column("reminder_count", sa.Integer(), nullable=False),
        sa.Column("partner_count", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_digest_log_user_id_user"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_digest_log_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_digest_log")),
        sa.UniqueConstraint("user_id", "workspace_id", "sent_on", name=op.f("uq_digest_log_user_id")),
    )
    with op.batch_alter_table("digest_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_digest_log_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_digest_log_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "digest_preference",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("frequency", sa.String(length=8), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user.id"], name=op.f("fk_digest_preference_user_id_user"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_digest_preference")),
    )
    op.create_table(
        "invite",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("expires_at", sa.DateTime(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(), nullable=True),
        sa.Column("accepted_by_id", sa.Integer(), nullable=True),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"], ["user.id"], name=op.f("fk_invite_accepted_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_invite_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_invite_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_invite")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_invite_token_hash")),
    )
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_invite_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "membership",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("role", sa.String(length=16), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["user.id"], name=op.f("fk_membership_user_id_user"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_membership_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership")),
        sa.UniqueConstraint("workspace_id", "user_id", name=op.f("uq_membership_workspace_id")),
    )
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_membership_user_id"), ["user_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_membership_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "partner",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("name_key", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("tier", sa.String(length=1), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("source", sa.String(length=16), nullable=False),
        sa.Column("website", sa.String(length=300), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("no_prospects", sa.Boolean(), nullable=False),
        sa.Column("no_prospects_reason", sa.Text(), nullable=True),
        sa.Column("archived_at", sa.DateTime(), nullable=True),
        sa.Column("referred_by_id", sa.Integer(), nullable=True),
        sa.Column("contact_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("cadence_days", sa.Integer(), nullable=True),
        sa.Column("response_time_days", sa.Integer(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"], name=op.f("fk_partner_owner_id_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["referred_by_id"], ["partner.id"], name=op.f("fk_partner_referred_by_id_partner"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_partner_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_partner")),
    )
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_partner_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_partner_referred_by_id"), ["referred_by_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_partner_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index(
            "ix_partner_ws_archived_contacts", ["workspace_id", "archived_at", "contact_count", "id"], unique=False
        )
        batch_op.create_index(
            "ix_partner_ws_archived_created", ["workspace_id", "archived_at", "created_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_partner_ws_archived_name", ["workspace_id", "archived_at", "name_key", "id"], unique=False
        )
        batch_op.create_index(
            "ix_partner_ws_archived_owner", ["workspace_id", "archived_at", "owner_id", "id"], unique=False
        )
        batch_op.create_index(
            "ix_partner_ws_archived_source", ["workspace_id", "archived_at", "source", "id"], unique=False
        )
        batch_op.create_index(
            "ix_partner_ws_archived_status", ["workspace_id", "archived_at", "status", "id"], unique=False
        )
        batch_op.create_index(
            "ix_partner_ws_archived_tier", ["workspace_id", "archived_at", "tier", "id"], unique=False
        )
        batch_op.create_index(
            "ix_partner_ws_archived_updated", ["workspace_id", "archived_at", "updated_at", "id"], unique=False
        )
        batch_op.create_index(
            "ix_partner_ws_filters",
            ["workspace_id", "archived_at", "status", "tier", "source", "owner_id"],
            unique=False,
        )
        batch_op.create_index("ix_partner_ws_updated", ["workspace_id", "updated_at"], unique=False)

    op.create_table(
        "contact",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("role", sa.String(length=120), nullable=True),
        sa.Column("email", sa.String(length=254), nullable=True),
        sa.Column("phone", sa.String(length=60), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        sa.Column("removed_at", sa.DateTime(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_contact_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_contact_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_contact")),
    )
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_email"), ["email"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index(
            "ix_contact_ws_search", ["workspace_id", "removed_at", "partner_id", "name", "email"], unique=False
        )

    op.create_table(
        "deal",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("stage", sa.String(length=16), nullable=False),
        sa.Column("expected_close_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("lost_reason", sa.Text(), nullable=True),
        sa.Column("value_to_us", sa.SmallInteger(), nullable=True),
        sa.Column("value_to_us_note", sa.String(length=300), nullable=True),
        sa.Column("value_to_partner", sa.SmallInteger(), nullable=True),
        sa.Column("value_to_partner_note", sa.String(length=300), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["owner_id"], ["user.id"], name=op.f("fk_deal_owner_id_user"), ondelete="SET NULL"),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_deal_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_deal_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_deal")),
    )
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_deal_owner_id"), ["owner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_deal_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index("ix_deal_ws_amount", ["workspace_id", "amount", "id"], unique=False)
        batch_op.create_index("ix_deal_ws_closed", ["workspace_id", "closed_on", "id"], unique=False)
        batch_op.create_index("ix_deal_ws_expected", ["workspace_id", "expected_close_on", "id"], unique=False)
        batch_op.create_index(
            "ix_deal_ws_stage_closed", ["workspace_id", "stage", "closed_on", "currency", "amount"], unique=False
        )
        batch_op.create_index("ix_deal_ws_stage_updated", ["workspace_id", "stage", "updated_at", "id"], unique=False)
        batch_op.create_index("ix_deal_ws_updated", ["workspace_id", "updated_at", "id"], unique=False)

    op.create_table(
        "partner_activity",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("created_s", sa.BigInteger(), nullable=False),
        sa.Column("eligible", sa.Boolean(), nullable=False),
        sa.Column("owner_id", sa.Integer(), nullable=True),
        sa.Column("tier", sa.String(length=1), nullable=False),
        sa.Column("cadence_override", sa.Integer(), nullable=True),
        sa.Column("response_override", sa.Integer(), nullable=True),
        sa.Column("contact_count", sa.Integer(), nullable=False),
        sa.Column("touch_count", sa.Integer(), nullable=False),
        sa.Column("our_count", sa.Integer(), nullable=False),
        sa.Column("their_count", sa.Integer(), nullable=False),
        sa.Column("last_touch_at", sa.DateTime(), nullable=True),
        sa.Column("last_touch_s", sa.BigInteger(), nullable=True),
        sa.Column("last_touch_direction", sa.String(length=8), nullable=True),
        sa.Column("third_touch_s", sa.BigInteger(), nullable=True),
        sa.Column("last_our_s", sa.BigInteger(), nullable=True),
        sa.Column("last_their_s", sa.BigInteger(), nullable=True),
        sa.Column("ours_since_theirs", sa.Integer(), nullable=False),
        sa.Column("third_our_s", sa.BigInteger(), nullable=True),
        sa.Column("run_contact_id", sa.Integer(), nullable=True),
        sa.Column("run_length", sa.Integer(), nullable=False),
        sa.Column("run_break_s", sa.BigInteger(), nullable=True),
        sa.Column("cadence_days", sa.Integer(), nullable=False),
        sa.Column("response_days", sa.Integer(), nullable=False),
        sa.Column("due_s", sa.BigInteger(), nullable=False),
        sa.Column("soon_s", sa.BigInteger(), nullable=False),
        sa.Column("waiting_s", sa.BigInteger(), nullable=True),
        sa.Column("chase_s", sa.BigInteger(), nullable=True),
        sa.Column("burst", sa.Boolean(), nullable=False),
        sa.Column("thread_from_s", sa.BigInteger(), nullable=True),
        sa.Column("thread_until_s", sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_partner_activity_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_partner_activity_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_partner_activity")),
    )
    with op.batch_alter_table("partner_activity", schema=None) as batch_op:
        batch_op.create_index(
            "ix_partner_activity_ws_chase", ["workspace_id", "eligible", "chase_s", "owner_id"], unique=False
        )
        batch_op.create_index(
            "ix_partner_activity_ws_contacts", ["workspace_id", "eligible", "contact_count", "owner_id"], unique=False
        )
        batch_op.create_index(
            "ix_partner_activity_ws_due",
            [
                "workspace_id",
                "eligible",
                "due_s",
                "soon_s",
                "burst",
                "last_touch_s",
                "created_s",
                "cadence_days",
                "contact_count",
                "thread_from_s",
                "thread_until_s",
                "owner_id",
                "partner_id",
            ],
            unique=False,
        )
        batch_op.create_index(
            "ix_partner_activity_ws_thread",
            ["workspace_id", "eligible", "thread_until_s", "thread_from_s", "contact_count", "owner_id"],
            unique=False,
        )
        batch_op.create_index(
            "ix_partner_activity_ws_waiting", ["workspace_id", "eligible", "waiting_s", "owner_id"], unique=False
        )

    op.create_table(
        "referral_change",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("from_partner_id", sa.Integer(), nullable=True),
        sa.Column("from_name", sa.String(length=200), nullable=True),
        sa.Column("to_partner_id", sa.Integer(), nullable=True),
        sa.Column("to_name", sa.String(length=200), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["user.id"], name=op.f("fk_referral_change_changed_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["from_partner_id"],
            ["partner.id"],
            name=op.f("fk_referral_change_from_partner_id_partner"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_referral_change_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["to_partner_id"],
            ["partner.id"],
            name=op.f("fk_referral_change_to_partner_id_partner"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_referral_change_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_referral_change")),
    )
    with op.batch_alter_table("referral_change", schema=None) as batch_op:
        batch_op.create_index("ix_referral_change_partner_at", ["partner_id", "changed_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_change_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "reminder",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=True),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("due_time", sa.Time(), nullable=True),
        sa.Column("assignee_id", sa.Integer(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("completed_at", sa.DateTime(), nullable=True),
        sa.Column("snooze_count", sa.Integer(), server_default="0", nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assignee_id"], ["user.id"], name=op.f("fk_reminder_assignee_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_reminder_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_reminder_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_reminder_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder")),
    )
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_assignee_id"), ["assignee_id"], unique=False)
        batch_op.create_index(
            "ix_reminder_assignee_open_due", ["assignee_id", "completed_at", "due_on", "id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_reminder_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index(
            "ix_reminder_ws_assignee_open_due",
            ["workspace_id", "assignee_id", "completed_at", "due_on", "due_time", "id"],
            unique=False,
        )
        batch_op.create_index("ix_reminder_ws_open_due", ["workspace_id", "completed_at", "due_on", "id"], unique=False)
        batch_op.create_index(
            "ix_reminder_ws_open_due_time", ["workspace_id", "completed_at", "due_on", "due_time", "id"], unique=False
        )

    op.create_table(
        "statement_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referrer_id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("label", sa.String(length=120), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("revoked_at", sa.DateTime(), nullable=True),
        sa.Column("last_opened_at", sa.DateTime(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_statement_link_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["referrer_id"], ["partner.id"], name=op.f("fk_statement_link_referrer_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"],
            ["workspace.id"],
            name=op.f("fk_statement_link_workspace_id_workspace"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_statement_link")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_statement_link_token_hash")),
    )
    with op.batch_alter_table("statement_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_statement_link_referrer_id"), ["referrer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_statement_link_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "terms",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("commission_rate", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_terms_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_terms_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terms")),
        sa.UniqueConstraint("partner_id", name=op.f("uq_terms_partner_id")),
    )
    with op.batch_alter_table("terms", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_terms_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index("ix_terms_ws_review", ["workspace_id", "review_on"], unique=False)

    op.create_table(
        "interaction",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("direction", sa.String(length=8), nullable=True),
        sa.Column("occurred_at", sa.DateTime(), nullable=False),
        sa.Column("summary", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("deleted_at", sa.DateTime(), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_interaction_contact_id_contact"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["created_by_id"], ["user.id"], name=op.f("fk_interaction_created_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_interaction_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_interaction_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_interaction")),
    )
    with op.batch_alter_table("interaction", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_interaction_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index("ix_interaction_partner_occurred", ["partner_id", "occurred_at"], unique=False)
        batch_op.create_index("ix_interaction_ws_occurred", ["workspace_id", "occurred_at"], unique=False)

    op.create_table(
        "referral",
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("contact_id", sa.Integer(), nullable=True),
        sa.Column("referred_on", sa.Date(), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("root_id", sa.Integer(), nullable=False),
        sa.Column("generation", sa.Integer(), nullable=False),
        sa.Column("direct_count", sa.Integer(), nullable=False),
        sa.Column("subtree_size", sa.Integer(), nullable=False),
        sa.Column("subtree_depth", sa.Integer(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["contact_id"], ["contact.id"], name=op.f("fk_referral_contact_id_contact"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_referral_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_referral_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("partner_id", name=op.f("pk_referral")),
    )
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_referral_contact_id"), ["contact_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_referral_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index("ix_referral_ws_direct", ["workspace_id", "direct_count"], unique=False)
        batch_op.create_index("ix_referral_ws_generation", ["workspace_id", "generation"], unique=False)
        batch_op.create_index("ix_referral_ws_referred_on", ["workspace_id", "referred_on", "root_id"], unique=False)
        batch_op.create_index(
            "ix_referral_ws_root", ["workspace_id", "root_id", "referred_on", "partner_id"], unique=False
        )
        batch_op.create_index(
            "ix_referral_ws_roots",
            ["workspace_id", "subtree_size", "subtree_depth"],
            unique=False,
            sqlite_where=sa.text("root_id = partner_id"),
            postgresql_where=sa.text("root_id = partner_id"),
        )
        batch_op.create_index(
            "ix_referral_ws_size", ["workspace_id", "subtree_size", "subtree_depth", "root_id"], unique=False
        )

    op.create_table(
        "terms_version",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("partner_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("commission_rate", sa.Numeric(precision=5, scale=2), nullable=True),
        sa.Column("payment_terms_days", sa.Integer(), nullable=True),
        sa.Column("response_time_days", sa.Integer(), nullable=True),
        sa.Column("cadence_days", sa.Integer(), nullable=True),
        sa.Column("review_on", sa.Date(), nullable=True),
        sa.Column("agreed_by_contact_id", sa.Integer(), nullable=True),
        sa.Column("agreed_on", sa.Date(), nullable=True),
        sa.Column("clauses", sa.Text(), nullable=True),
        sa.Column("changed_by_id", sa.Integer(), nullable=True),
        sa.Column("changed_at", sa.DateTime(), nullable=False),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agreed_by_contact_id"],
            ["contact.id"],
            name=op.f("fk_terms_version_agreed_by_contact_id_contact"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["changed_by_id"], ["user.id"], name=op.f("fk_terms_version_changed_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["partner_id"], ["partner.id"], name=op.f("fk_terms_version_partner_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_terms_version_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_terms_version")),
        sa.UniqueConstraint("partner_id", "version", name=op.f("uq_terms_version_partner_id")),
    )
    with op.batch_alter_table("terms_version", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_terms_version_partner_id"), ["partner_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_terms_version_workspace_id"), ["workspace_id"], unique=False)

    op.create_table(
        "commission",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("referrer_id", sa.Integer(), nullable=False),
        sa.Column("deal_id", sa.Integer(), nullable=False),
        sa.Column("terms_version_id", sa.Integer(), nullable=True),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("status", sa.String(length=8), nullable=False),
        sa.Column("amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("rate", sa.Numeric(precision=5, scale=2), nullable=False),
        sa.Column("base_amount", sa.Numeric(precision=14, scale=2), nullable=False),
        sa.Column("earned_on", sa.Date(), nullable=False),
        sa.Column("note", sa.String(length=300), nullable=True),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("paid_on", sa.Date(), nullable=True),
        sa.Column("payment_reference", sa.String(length=120), nullable=True),
        sa.Column("paid_by_id", sa.Integer(), nullable=True),
        sa.Column("workspace_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["deal_id"], ["deal.id"], name=op.f("fk_commission_deal_id_deal"), ondelete="CASCADE"),
        sa.ForeignKeyConstraint(
            ["paid_by_id"], ["user.id"], name=op.f("fk_commission_paid_by_id_user"), ondelete="SET NULL"
        ),
        sa.ForeignKeyConstraint(
            ["referrer_id"], ["partner.id"], name=op.f("fk_commission_referrer_id_partner"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["terms_version_id"],
            ["terms_version.id"],
            name=op.f("fk_commission_terms_version_id_terms_version"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["workspace_id"], ["workspace.id"], name=op.f("fk_commission_workspace_id_workspace"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_commission")),
    )
    with op.batch_alter_table("commission", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_commission_deal_id"), ["deal_id"], unique=False)
        batch_op.create_index("ix_commission_referrer_earned", ["referrer_id", "earned_on", "id"], unique=False)
        batch_op.create_index(batch_op.f("ix_commission_workspace_id"), ["workspace_id"], unique=False)
        batch_op.create_index("ix_commission_ws_earned", ["workspace_id", "earned_on", "id"], unique=False)
        batch_op.create_index(
            "ix_commission_ws_status_earned", ["workspace_id", "status", "earned_on", "id"], unique=False
        )


def downgrade():
    with op.batch_alter_table("commission", schema=None) as batch_op:
        batch_op.drop_index("ix_commission_ws_status_earned")
        batch_op.drop_index("ix_commission_ws_earned")
        batch_op.drop_index(batch_op.f("ix_commission_workspace_id"))
        batch_op.drop_index("ix_commission_referrer_earned")
        batch_op.drop_index(batch_op.f("ix_commission_deal_id"))

    op.drop_table("commission")
    with op.batch_alter_table("terms_version", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_terms_version_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_terms_version_partner_id"))

    op.drop_table("terms_version")
    with op.batch_alter_table("referral", schema=None) as batch_op:
        batch_op.drop_index("ix_referral_ws_size")
        batch_op.drop_index(
            "ix_referral_ws_roots",
            sqlite_where=sa.text("root_id = partner_id"),
            postgresql_where=sa.text("root_id = partner_id"),
        )
        batch_op.drop_index("ix_referral_ws_root")
        batch_op.drop_index("ix_referral_ws_referred_on")
        batch_op.drop_index("ix_referral_ws_generation")
        batch_op.drop_index("ix_referral_ws_direct")
        batch_op.drop_index(batch_op.f("ix_referral_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_referral_contact_id"))

    op.drop_table("referral")
    with op.batch_alter_table("interaction", schema=None) as batch_op:
        batch_op.drop_index("ix_interaction_ws_occurred")
        batch_op.drop_index("ix_interaction_partner_occurred")
        batch_op.drop_index(batch_op.f("ix_interaction_contact_id"))

    op.drop_table("interaction")
    with op.batch_alter_table("terms", schema=None) as batch_op:
        batch_op.drop_index("ix_terms_ws_review")
        batch_op.drop_index(batch_op.f("ix_terms_workspace_id"))

    op.drop_table("terms")
    with op.batch_alter_table("statement_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_statement_link_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_statement_link_referrer_id"))

    op.drop_table("statement_link")
    with op.batch_alter_table("reminder", schema=None) as batch_op:
        batch_op.drop_index("ix_reminder_ws_open_due_time")
        batch_op.drop_index("ix_reminder_ws_open_due")
        batch_op.drop_index("ix_reminder_ws_assignee_open_due")
        batch_op.drop_index(batch_op.f("ix_reminder_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_reminder_partner_id"))
        batch_op.drop_index("ix_reminder_assignee_open_due")
        batch_op.drop_index(batch_op.f("ix_reminder_assignee_id"))

    op.drop_table("reminder")
    with op.batch_alter_table("referral_change", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_referral_change_workspace_id"))
        batch_op.drop_index("ix_referral_change_partner_at")

    op.drop_table("referral_change")
    with op.batch_alter_table("partner_activity", schema=None) as batch_op:
        batch_op.drop_index("ix_partner_activity_ws_waiting")
        batch_op.drop_index("ix_partner_activity_ws_thread")
        batch_op.drop_index("ix_partner_activity_ws_due")
        batch_op.drop_index("ix_partner_activity_ws_contacts")
        batch_op.drop_index("ix_partner_activity_ws_chase")

    op.drop_table("partner_activity")
    with op.batch_alter_table("deal", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_ws_updated")
        batch_op.drop_index("ix_deal_ws_stage_updated")
        batch_op.drop_index("ix_deal_ws_stage_closed")
        batch_op.drop_index("ix_deal_ws_expected")
        batch_op.drop_index("ix_deal_ws_closed")
        batch_op.drop_index("ix_deal_ws_amount")
        batch_op.drop_index(batch_op.f("ix_deal_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_deal_partner_id"))
        batch_op.drop_index(batch_op.f("ix_deal_owner_id"))

    op.drop_table("deal")
    with op.batch_alter_table("contact", schema=None) as batch_op:
        batch_op.drop_index("ix_contact_ws_search")
        batch_op.drop_index(batch_op.f("ix_contact_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_contact_partner_id"))
        batch_op.drop_index(batch_op.f("ix_contact_email"))

    op.drop_table("contact")
    with op.batch_alter_table("partner", schema=None) as batch_op:
        batch_op.drop_index("ix_partner_ws_updated")
        batch_op.drop_index("ix_partner_ws_filters")
        batch_op.drop_index("ix_partner_ws_archived_updated")
        batch_op.drop_index("ix_partner_ws_archived_tier")
        batch_op.drop_index("ix_partner_ws_archived_status")
        batch_op.drop_index("ix_partner_ws_archived_source")
        batch_op.drop_index("ix_partner_ws_archived_owner")
        batch_op.drop_index("ix_partner_ws_archived_name")
        batch_op.drop_index("ix_partner_ws_archived_created")
        batch_op.drop_index("ix_partner_ws_archived_contacts")
        batch_op.drop_index(batch_op.f("ix_partner_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_partner_referred_by_id"))
        batch_op.drop_index(batch_op.f("ix_partner_owner_id"))

    op.drop_table("partner")
    with op.batch_alter_table("membership", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_membership_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_membership_user_id"))

    op.drop_table("membership")
    with op.batch_alter_table("invite", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_invite_workspace_id"))

    op.drop_table("invite")
    op.drop_table("digest_preference")
    with op.batch_alter_table("digest_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_digest_log_workspace_id"))
        batch_op.drop_index(batch_op.f("ix_digest_log_user_id"))

    op.drop_table("digest_log")
    with op.batch_alter_table("deal_total", schema=None) as batch_op:
        batch_op.drop_index("ix_deal_total_ws_stage_month")
        batch_op.drop_index(batch_op.f("ix_deal_total_workspace_id"))

    op.drop_table("deal_total")
    with op.batch_alter_table("calendar_feed", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_calendar_feed_user_id"))

    op.drop_table("calendar_feed")
    op.drop_table("user")
    op.drop_table("touch_week")
    with op.batch_alter_table("commission_total", schema=None) as batch_op:
        batch_op.drop_index("ix_commission_total_ws_status_month")
        batch_op.drop_index(batch_op.f("ix_commission_total_workspace_id"))

    op.drop_table("commission_total")
    op.drop_table("workspace")
