"""The mailbox password at rest: encrypted with Fernet (AES + HMAC) under MAIL_SECRETS_KEY.

Production requires MAIL_SECRETS_KEY (config.ProductionConfig.validate); development and the tests
derive a key from SECRET_KEY, so a fresh clone works without one."""

from __future__ import annotations

import base64
import hashlib

from cryptography.fernet import Fernet, InvalidToken


class UnreadablePassword(Exception):
    """The token was made under another key (MAIL_SECRETS_KEY changed)."""


def derived_key(secret_key: str) -> str:
    """A Fernet key derived from SECRET_KEY (development and testing only)."""
    digest = hashlib.sha256(b"orchard mail secrets\0" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


class KeyMissing(RuntimeError):
    """Production has no MAIL_SECRETS_KEY: no mailbox password is stored or read."""


def key_from_config(config) -> str:
    """MAIL_SECRETS_KEY when set; else, outside production, the key derived from SECRET_KEY."""
    key = (config.get("MAIL_SECRETS_KEY") or "").strip()
    if key:
        return key
    if config.get("MAIL_SECRETS_KEY_REQUIRED"):
        raise KeyMissing("MAIL_SECRETS_KEY is not set: mailbox passwords can be neither stored nor read")
    return derived_key(config["SECRET_KEY"])


def is_valid_key(key: str) -> bool:
    try:
        Fernet(key)
    except (ValueError, TypeError):
        return False
    return True


def encrypt(key: str, password: str) -> str:
    return Fernet(key).encrypt(password.encode()).decode()


def decrypt(key: str, token: str) -> str:
    """The password; UnreadablePassword when the token was made under another key."""
    try:
        return Fernet(key).decrypt(token.encode()).decode()
    except (InvalidToken, ValueError, TypeError):
        raise UnreadablePassword from None
