"""The full workspace backup (one zip of JSON files with a manifest) and its restore into a new
workspace. Layout of the file: manifest.py; what it holds: entities.py; writing: export.py;
restoring: restore.py."""

from app.services.backup.export import consistent_snapshot, stream_backup, write_backup
from app.services.backup.manifest import BACKUP_SCHEMA_VERSION, FORMAT, Backup, BackupError, open_backup
from app.services.backup.restore import RestoreResult, owner_emails, restore_backup

__all__ = [
    "BACKUP_SCHEMA_VERSION",
    "FORMAT",
    "Backup",
    "BackupError",
    "RestoreResult",
    "consistent_snapshot",
    "open_backup",
    "owner_emails",
    "restore_backup",
    "stream_backup",
    "write_backup",
]
