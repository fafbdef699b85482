"""Password hashing (argon2) and opaque tokens stored only as keyed hashes."""

from __future__ import annotations

import hashlib
import hmac
import secrets

from pwdlib import PasswordHash
from pwdlib.hashers.argon2 import Argon2Hasher

_hasher = PasswordHash((Argon2Hasher(),))
# Verified when the user does not exist, so unknown and known users cost the same time.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))

API_TOKEN_PREFIX = "qq_"


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password: str, password_hash: str | None) -> bool:
    if not password_hash:
        _hasher.verify(password, _DUMMY_HASH)
        return False
    try:
        return _hasher.verify(password, password_hash)
    except Exception:  # a corrupt hash must read as "wrong password", never as a crash
        return False


def burn_password_check(password: str) -> None:
    _hasher.verify(password, _DUMMY_HASH)


def new_token(nbytes: int = 32) -> str:
    return secrets.token_urlsafe(nbytes)


def token_digest(secret_key: bytes, token: str) -> str:
    """What we keep of a session or API token: an HMAC, useless without the server's key."""
    return hmac.new(secret_key, token.encode(), hashlib.sha256).hexdigest()


def new_api_token() -> tuple[str, str]:
    """Returns (full token shown once, its public prefix)."""
    prefix = secrets.token_hex(4)
    return f"{API_TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}", prefix


def constant_time_equal(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
