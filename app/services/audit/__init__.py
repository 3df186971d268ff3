"""The audit log: who changed what, when, from what to what — written in the same transaction as
the change by one mechanism (recording.py's flush hooks over registry.py's audited models), read by
the partner History tab and the owners' Audit log page (queries.py)."""

from app.services.audit.actor import Actor, clear_actor, current_actor, set_actor
from app.services.audit.recording import AuditLogIsAppendOnly, install, prune, record

__all__ = ["Actor", "AuditLogIsAppendOnly", "clear_actor", "current_actor", "install", "prune", "record", "set_actor"]
