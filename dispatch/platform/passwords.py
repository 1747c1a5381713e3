"""Passwords: the policy for new ones, and hashing with Argon2id (argon2-cffi's defaults follow RFC 9106)."""

from __future__ import annotations

import gzip
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from dispatch.errors import InvalidField

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 256  # Argon2 takes any length; this only bounds the work one request can ask for
# 20,000 common passwords (lower-cased), the list Django ships (django/contrib/auth/common-passwords.txt.gz,
# BSD licence), compiled by Royce Williams from breach corpora:
# https://gist.github.com/roycewilliams/226886fd01572964e1431ac8afc999ce
COMMON_PASSWORDS_FILE = Path(__file__).with_name("common-passwords.txt.gz")

_hasher = PasswordHasher()
# Verified when the username is unknown, so that a wrong name takes as long to refuse as a wrong password.
_UNKNOWN_USER_HASH = _hasher.hash("no account has this password")


@cache
def common_passwords() -> frozenset[str]:
    with gzip.open(COMMON_PASSWORDS_FILE, "rt", encoding="utf-8") as lines:
        return frozenset(line.strip() for line in lines if line.strip())


def check_new_password(password: str, field: str = "password") -> None:
    """Raise InvalidField (naming `field`) unless `password` may be chosen: long enough and not a common one."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidField(f"a password needs at least {MIN_PASSWORD_LENGTH} characters", field)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidField(f"a password may have at most {MAX_PASSWORD_LENGTH} characters", field)
    if password.strip().lower() in common_passwords():
        raise InvalidField("this password is one of the most common ones (easily guessed); choose another", field)


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def password_matches(password_hash: str | None, password: str) -> bool:
    """Whether `password` matches; with no hash (no such account) it still spends the time of one check."""
    try:
        return _hasher.verify(password_hash or _UNKNOWN_USER_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False
