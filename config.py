"""Configuration classes, read from the environment.

DATABASE_URL           SQLAlchemy URL (default: SQLite file instance/orchard.db)
SECRET_KEY             required outside development and testing
RATELIMIT_STORAGE_URI  where rate limits are counted (default memory://, one process only;
                       redis://host:6379 to share them between workers and machines)
WEB_CONCURRENCY        gunicorn's worker count on this machine; ORCHARD_WORKERS the app processes
                       of the whole site. Production refuses memory:// when either is above 1.
JOBS_BACKEND           where queued jobs wait for `flask worker`: "sqlite" (default, the file
                       JOBS_SQLITE_FILE, instance/jobs.sqlite3), "redis" (REDIS_URL, for workers on
                       several machines) or "immediate" (run where they are queued: tests)
LOGIN_LIMIT_PER_ACCOUNT, LOGIN_LIMIT_PER_IP
                       free login failures per account and address / per address, then a
                       doubling wait (app/services/login_throttle.py)
TWO_FACTOR_LIMIT_PER_ACCOUNT
                       wrong two-factor codes per account from all addresses together (the
                       login's fair limits apply to codes per address as well)
REGISTER_LIMIT_PER_IP, RESET_LIMIT_PER_IP, TOKEN_LIMIT_PER_IP
                       new accounts, password reset requests, public token links per address
MAIL_SECRETS_KEY       the Fernet key the mailbox passwords (Settings → Mail) are encrypted with:
                       required in production for the mailbox sync (make one with `python -c "from cryptography.fernet
                       import Fernet; print(Fernet.generate_key().decode())"`); development and the
                       tests derive one from SECRET_KEY. Changing it means users enter their app
                       passwords again.
MAIL_SYNC_EVERY_MINUTES how often `flask worker` syncs the mailboxes (default 15; 0: never, e.g. when
                       cron runs `flask mail sync`); MAIL_SYNC_TIMEOUT_SECONDS each IMAP operation's limit
PROXY_FIX_X_FOR, PROXY_FIX_X_PROTO, PROXY_FIX_X_HOST, PROXY_FIX_X_PORT, PROXY_FIX_X_PREFIX
                       how many proxies in front set each X-Forwarded-* header (default 0: ignored)
"""

import os
from datetime import timedelta
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent
DEV_SECRET = "dev-only-not-secret"


def _database_url(default: str) -> str:
    url = os.environ.get("DATABASE_URL", default)
    # Heroku-style URLs name the driver "postgres"; SQLAlchemy wants psycopg explicitly.
    if url.startswith("postgres://"):
        url = "postgresql+psycopg://" + url[len("postgres://") :]
    elif url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def _count(environ, name: str, default: int = 0) -> int:
    value = environ.get(name, "").strip()
    if not value:
        return default
    if not value.isdigit():
        raise RuntimeError(f"{name} must be a whole number of 0 or more, not {value!r}")
    return int(value)


class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY", DEV_SECRET)
    SQLALCHEMY_DATABASE_URI = _database_url(f"sqlite:///{BASE_DIR / 'instance' / 'orchard.db'}")
    SQLALCHEMY_TRACK_MODIFICATIONS = False
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_HTTPONLY = True
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_DAYS = int(os.environ.get("REMEMBER_DAYS", "30"))  # a remembered session's life
    REMEMBER_COOKIE_DURATION = timedelta(days=REMEMBER_DAYS)
    BROWSER_SESSION_DAYS = int(os.environ.get("BROWSER_SESSION_DAYS", "90"))  # a session without remember-me
    WTF_CSRF_TIME_LIMIT = None  # tokens live as long as the session
    BABEL_DEFAULT_LOCALE = "en"
    # Account addresses on a domain reserved for testing (name@something.test) receive no mail, so
    # they are refused outside development and testing unless this is set (a private staging server)
    ALLOW_TEST_EMAIL_DOMAINS = os.environ.get("ALLOW_TEST_EMAIL_DOMAINS", "") == "1"
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent / "translations")
    BABEL_DEFAULT_TIMEZONE = "UTC"
    # Said explicitly: the one Limiter object otherwise keeps the setting of the last app built
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_HEADERS_ENABLED = True
    # Fair login limits (app/services/login_throttle.py; two-factor codes count the same way): an address
    # gets LOGIN_LIMIT_PER_ACCOUNT failures per account free and LOGIN_LIMIT_PER_IP over all accounts,
    # then waits before each try, from LOGIN_BACKOFF_SECONDS doubling up to LOGIN_BACKOFF_MAX_SECONDS.
    # An address without failures for an account is never held back (the owner is not locked out).
    # The periods say how long failures are remembered.
    LOGIN_LIMIT_PER_IP = os.environ.get("LOGIN_LIMIT_PER_IP", "30 per hour")
    LOGIN_LIMIT_PER_ACCOUNT = os.environ.get("LOGIN_LIMIT_PER_ACCOUNT", "5 per day")
    LOGIN_BACKOFF_SECONDS = 30
    LOGIN_BACKOFF_MAX_SECONDS = 3600
    # new accounts, and password reset requests, from one address
    REGISTER_LIMIT_PER_IP = os.environ.get("REGISTER_LIMIT_PER_IP", "10 per hour")
    RESET_LIMIT_PER_IP = os.environ.get("RESET_LIMIT_PER_IP", "5 per hour")
    # Two-factor codes: the login's fair limits per address, and this cap on wrong codes per account from
    # all addresses together (against guessing from many addresses; only someone with the password gets there)
    TWO_FACTOR_LIMIT_PER_ACCOUNT = os.environ.get("TWO_FACTOR_LIMIT_PER_ACCOUNT", "50 per hour")
    # public token links (statements, invites): one address guessing tokens is slowed down
    TOKEN_LIMIT_PER_IP = os.environ.get("TOKEN_LIMIT_PER_IP", "60 per minute")
    # Trusted proxy hops per X-Forwarded-* header (werkzeug's ProxyFix; all 0: not applied). With
    # PROXY_FIX_X_FOR=1 the address the nearest proxy adds is the client's, for limits and logs.
    PROXY_FIX_X_FOR = _count(os.environ, "PROXY_FIX_X_FOR")
    PROXY_FIX_X_PROTO = _count(os.environ, "PROXY_FIX_X_PROTO")
    PROXY_FIX_X_HOST = _count(os.environ, "PROXY_FIX_X_HOST")
    PROXY_FIX_X_PORT = _count(os.environ, "PROXY_FIX_X_PORT")
    PROXY_FIX_X_PREFIX = _count(os.environ, "PROXY_FIX_X_PREFIX")
    STRICT_TRANSPORT_SECURITY = None  # the Strict-Transport-Security header (production: https only)
    PASSWORD_MIN_LENGTH = 10
    # Audit log retention in days (0: keep forever); `flask audit prune` deletes older events
    AUDIT_RETENTION_DAYS = _count(os.environ, "AUDIT_RETENTION_DAYS")
    PER_PAGE = 25  # rows per page of the paginated lists (routes read it; services take per_page)
    # Outgoing mail (reminder digests)
    MAIL_HOST = os.environ.get("MAIL_HOST", "localhost")
    MAIL_PORT = int(os.environ.get("MAIL_PORT", "25"))
    MAIL_USERNAME = os.environ.get("MAIL_USERNAME")
    MAIL_PASSWORD = os.environ.get("MAIL_PASSWORD")
    MAIL_USE_TLS = os.environ.get("MAIL_USE_TLS", "0") == "1"
    MAIL_FROM = os.environ.get("MAIL_FROM", "Orchard <orchard@localhost>")
    # Mailbox sync (Settings → Mail, `flask mail sync`): the key of the stored passwords (None: derived
    # from SECRET_KEY, development and testing only), the worker's period, each IMAP operation's limit
    MAIL_SECRETS_KEY = os.environ.get("MAIL_SECRETS_KEY") or None
    MAIL_SYNC_EVERY_MINUTES = _count(os.environ, "MAIL_SYNC_EVERY_MINUTES", 15)
    MAIL_SYNC_TIMEOUT_SECONDS = float(os.environ.get("MAIL_SYNC_TIMEOUT_SECONDS", "20"))
    # Jobs (app/jobs): the queue between the web processes and `flask worker`
    JOBS_BACKEND = os.environ.get("JOBS_BACKEND", "sqlite")
    JOBS_SQLITE_FILE = os.environ.get("JOBS_SQLITE_FILE", str(BASE_DIR / "instance" / "jobs.sqlite3"))
    REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
    # Uploads: an import file up to 20 MB (the import page checks it and says so next to the field), a
    # backup to restore up to 512 MB (a 50,000-partner workspace is about 22 MB); the body limit is the
    # larger plus the form around the file. Uploads over 500 KB are spooled to disk, not held in memory.
    # IMPORT_INLINE_ROWS: the file size in rows above which the preview is built by a job.
    IMPORT_MAX_FILE_BYTES = 20 * 1024 * 1024
    BACKUP_MAX_FILE_BYTES = 512 * 1024 * 1024
    MAX_CONTENT_LENGTH = max(IMPORT_MAX_FILE_BYTES, BACKUP_MAX_FILE_BYTES) + 256 * 1024
    IMPORT_INLINE_ROWS = 500
    # Absolute base URL for links in emails and feeds, e.g. https://crm.example.com. Unset: feeds use
    # the address the user is on, mails the local server on PORT (app/public_links.py).
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or None

    # webhooks (docs/WEBHOOKS.md): loopback URLs only for tests and local development, https in production
    WEBHOOK_TIMEOUT_SECONDS = float(os.environ.get("WEBHOOK_TIMEOUT_SECONDS", "10"))
    WEBHOOK_BATCH_SIZE = 50  # attempts per delivery pass
    WEBHOOK_DISABLE_AFTER_FAILURES = 5  # attempts failed in a row ...
    WEBHOOK_DISABLE_AFTER_HOURS = 24  # ... over at least this long disable the endpoint
    WEBHOOKS_ALLOW_LOOPBACK = False
    WEBHOOKS_REQUIRE_HTTPS = os.environ.get("WEBHOOKS_REQUIRE_HTTPS", "0") == "1"


class DevelopmentConfig(Config):
    DEBUG = True
    WEBHOOKS_ALLOW_LOOPBACK = True


class TestingConfig(Config):
    TESTING = True
    SECRET_KEY = "testing"
    SQLALCHEMY_DATABASE_URI = _database_url(os.environ.get("TEST_DATABASE_URL", "sqlite://"))
    WTF_CSRF_ENABLED = False
    RATELIMIT_ENABLED = False
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"  # fast hashing keeps the suite quick
    JOBS_BACKEND = "immediate"  # a POST that queues a job runs it before it answers
    WEBHOOKS_ALLOW_LOOPBACK = True  # the tests' receiver listens on 127.0.0.1


class ProductionConfig(Config):
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    # browsers keep to https for this host for a year once they have seen it over https
    STRICT_TRANSPORT_SECURITY = "max-age=31536000; includeSubDomains"
    WEBHOOKS_REQUIRE_HTTPS = True
    WEBHOOKS_ALLOW_LOOPBACK = False
    # no key derived from SECRET_KEY: without MAIL_SECRETS_KEY, Settings → Mail and `flask mail sync`
    # refuse to store or read mailbox passwords (and say why)
    MAIL_SECRETS_KEY_REQUIRED = True

    @classmethod
    def validate(cls, environ=os.environ) -> None:
        """Refuse to start on settings that would be unsafe with real users (read from `environ`)."""
        if not environ.get("SECRET_KEY") or environ["SECRET_KEY"] == DEV_SECRET:
            raise RuntimeError("SECRET_KEY must be set to a long random value in production")
        workers = max(_count(environ, "WEB_CONCURRENCY", 1), _count(environ, "ORCHARD_WORKERS", 1))
        storage = environ.get("RATELIMIT_STORAGE_URI", "").strip() or "memory://"
        if workers > 1 and storage.startswith("memory://"):
            raise RuntimeError(
                f"{workers} workers are configured (WEB_CONCURRENCY / ORCHARD_WORKERS) but rate limits are "
                "counted in each process's memory, so every worker would allow the full limit: set "
                "RATELIMIT_STORAGE_URI to a shared store, e.g. redis://127.0.0.1:6379"
            )
        mail_key = environ.get("MAIL_SECRETS_KEY", "").strip()
        if mail_key:
            from app.services.mail_sync.crypto import is_valid_key

            if not is_valid_key(mail_key):
                raise RuntimeError(
                    "MAIL_SECRETS_KEY is not a Fernet key (32 url-safe base64-encoded bytes): "
                    'python -c "from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())"'
                )


CONFIGS = {
    "development": DevelopmentConfig,
    "testing": TestingConfig,
    "production": ProductionConfig,
}
