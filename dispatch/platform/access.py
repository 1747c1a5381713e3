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


def issue_token(principal: Principal, signing_key: str, minutes: int) -> str:
    now = datetime.now(UTC)
    claims = {"sub": principal.username, "role": principal.role, "iat": now, "exp": now + timedelta(minutes=minutes)}
    return jwt.encode(claims, signing_key, algorithm=TOKEN_ALGORITHM)


def token_subject(token: str, signing_key: str) -> str | None:
    """The username in a valid, unexpired token, or None."""
    try:
        claims = jwt.decode(token, signing_key, algorithms=[TOKEN_ALGORITHM], options={"require": ["exp", "sub"]})
    except jwt.PyJWTError:
        return None
    return str(claims["sub"])
