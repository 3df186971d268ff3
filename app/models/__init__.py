"""All models, imported here so that metadata (and Alembic) sees every table."""

from app.models.api_token import ApiToken  # noqa: F401
from app.models.audit import AuditEvent  # noqa: F401
from app.models.commission import Commission, CommissionTotal, StatementLink  # noqa: F401
from app.models.deal import Deal, DealTotal  # noqa: F401
from app.models.email_log import EmailMessage, EmailThreadMute, MailIgnoreRule, MailSuggestion  # noqa: F401
from app.models.importing import ImportRow, ImportRun, SavedMapping  # noqa: F401
from app.models.interaction import Interaction, PartnerActivity, TouchWeek  # noqa: F401
from app.models.job import Job  # noqa: F401
from app.models.mail_account import MailAccount, MailFolderState  # noqa: F401
from app.models.merge import ContactMerge, DuplicateDismissal, PartnerMerge  # noqa: F401
from app.models.notifications import CalendarFeed, DigestLog, DigestPreference  # noqa: F401
from app.models.partner import Contact, Partner  # noqa: F401
from app.models.referral import Referral, ReferralChange  # noqa: F401
from app.models.referral_revenue import BranchRevenue, ReferralGenerationSize, ReferralRevenueMonth  # noqa: F401
from app.models.reminder import Reminder  # noqa: F401
from app.models.report import BookBucket, OutcomeBucket, PartnerOutcome, SourceFix  # noqa: F401
from app.models.report_weeks import HealthWeek, OwnerMoney, OwnerMonth  # noqa: F401
from app.models.search import SearchItem, SearchVariant  # noqa: F401
from app.models.terms import Terms, TermsVersion  # noqa: F401
from app.models.trash import TrashEntry  # noqa: F401
from app.models.two_factor import RecoveryCode  # noqa: F401
from app.models.user_session import EmailChangeToken, PasswordResetToken, UserSession  # noqa: F401
from app.models.webhook import WebhookAttempt, WebhookDelivery, WebhookEndpoint, WebhookEvent  # noqa: F401
from app.models.webhook_state import WebhookFlagState, WebhookReminderState  # noqa: F401
from app.models.workspace import Invite, Membership, User, Workspace  # noqa: F401
