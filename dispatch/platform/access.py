"""Who is asking, and what they may reach: admin everything, a dispatcher her regions, a nurse herself."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt

from dispatch.errors import Forbidden, NotFound

TOKEN_ALGORITHM = "HS256"


@dataclass(frozen=True)
class Principal:
    username: str
    role: str
    regions: tuple[str, ...] = ()
    nurse_id: int | None = None
    # The account's token version when she was read: her tokens carry it, and raising it refuses them all.
    token_version: int = 0

    def may_manage(self, region_id: str) -> bool:
        return self.role == "admin" or (self.role == "dispatcher" and region_id in self.regions)

    def require_region(self, region_id: str) -> None:
        """Raise unless she may manage `region_id`; others learn nothing about the region."""
        if self.role == "nurse":
            raise Forbidden("nurses reach only their own itinerary (/v1/me/…)")
        if not self.may_manage(region_id):
            raise NotFound(f"region {region_id} not found")

    def require_reach(self, row: dict | None, what: str) -> dict:
        """`row` (anything with a region_id) if she may manage its region; a nurse is refused, others not told."""
        if self.role == "nurse":
            raise Forbidden("nurses reach only their own itinerary (/v1/me/…)")
        if row is None or not self.may_manage(row["region_id"]):
            raise NotFound(f"{what} not found")
        return row

    def require_role(self, *roles: str) -> None:
        if self.role not in roles:
            raise Forbidden(f"this needs the role {' or '.join(roles)}; you are {self.role}")


# Clocks of replicas may differ a little; a token issued "in the future" by less than this is accepted.
CLOCK_LEEWAY = timedelta(seconds=30)


@dataclass(frozen=True)
class TokenClaims:
    username: str
    token_version: int


def issue_token(principal: Principal, signing_key: str, minutes: float) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": principal.username,
        "role": principal.role,
        "ver": principal.token_version,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
    }
    return jwt.encode(claims, signing_key, algorithm=TOKEN_ALGORITHM)


def token_claims(token: str, signing_key: str, minutes: float) -> TokenClaims | None:
    """Who a valid token speaks for, or None: signed with our key, unexpired, and issued at most `minutes` ago.

    The age is checked against `iat` as well as `exp`, so a token minted with a far `exp` (a leaked key
    used once, a bug) still lasts no longer than the configured lifetime.
    """
    try:
        claims = jwt.decode(
            token, signing_key, algorithms=[TOKEN_ALGORITHM], options={"require": ["exp", "iat", "sub"]}, leeway=CLOCK_LEEWAY
        )
    except jwt.PyJWTError:
        return None
    issued = datetime.fromtimestamp(claims["iat"], UTC)
    now = datetime.now(UTC)
    if not now - timedelta(minutes=minutes) - CLOCK_LEEWAY <= issued <= now + CLOCK_LEEWAY:
        return None
    version = claims.get("ver", 0)
    if not isinstance(version, int) or isinstance(version, bool):
        return None
    return TokenClaims(str(claims["sub"]), version)
