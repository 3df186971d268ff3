"""All models, imported here so that metadata (and Alembic) sees every table."""
from app.models.workspace import Invite, Membership, User, Workspace  # noqa: F401
from app.models.partner import Contact, Partner  # noqa: F401
from app.models.reminder import Reminder  # noqa: F401
