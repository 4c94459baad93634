"""Office passwords: Argon2id (argon2-cffi) with a random salt per hash; never stored in clear."""

from __future__ import annotations

import functools

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

MIN_LENGTH = 12
_HASHER = PasswordHasher()  # RFC 9106 low-memory profile: 64 MiB, 3 passes


@functools.cache
def _dummy_hash() -> str:
    """Checked against when the user is unknown, so a wrong name takes as long as a wrong password."""
    return _HASHER.hash("manabi-no-such-user")


def hash_password(password: str) -> str:
    return _HASHER.hash(password)


def verify(stored_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; an unknown user (None) is checked against a dummy hash."""
    try:
        return _HASHER.verify(stored_hash or _dummy_hash(), password) and stored_hash is not None
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def needs_rehash(stored_hash: str) -> bool:
    return _HASHER.check_needs_rehash(stored_hash)


def weakness(password: str, user_name: str) -> str | None:
    """Why a new password is refused (Japanese, for the office), else None."""
    if len(password) < MIN_LENGTH:
        return f"パスワードは{MIN_LENGTH}文字以上にしてください。"
    if user_name and user_name.lower() in password.lower():
        return "パスワードにユーザー名を含めないでください。"
    if len(set(password)) < 5:
        return "同じ文字の繰り返しが多すぎます。"
    return None
