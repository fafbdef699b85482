"""Secrets the platform must use again (a webhook's signing key, a chat robot's secret) are kept
encrypted at rest with a key derived from the server's secret key (Fernet: AES-128-CBC + HMAC).
Secrets the platform only checks (passwords, tokens) are hashed instead (runtime/identity/secrets).
"""

from __future__ import annotations

import base64
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken

PURPOSE = b"qiqiao:seal:v1"


def _fernet(secret_key: bytes) -> Fernet:
    return Fernet(base64.urlsafe_b64encode(hmac.new(secret_key, PURPOSE, hashlib.sha256).digest()))


def seal(secret_key: bytes, plaintext: str) -> str:
    return _fernet(secret_key).encrypt(plaintext.encode()).decode("ascii")


def unseal(secret_key: bytes, sealed: str) -> str:
    """The plaintext; ValueError if the value was not sealed with this server's key."""
    try:
        return _fernet(secret_key).decrypt(sealed.encode("ascii")).decode()
    except (InvalidToken, ValueError) as exc:
        raise ValueError("not sealed with this server's key") from exc
