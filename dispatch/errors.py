"""What can go wrong in a dispatch operation, in words a caller can act on; the API maps each to a status."""

from __future__ import annotations


class DispatchError(Exception):
    """Base: a message for the user, and the field at fault when there is one."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class NotFound(DispatchError):
    """No such thing, or not one this user may see (we do not say which)."""


class Forbidden(DispatchError):
    """The user is known but her role does not allow this."""


class Conflict(DispatchError):
    """The change breaks a rule or collides with the current state."""


class StaleVersion(DispatchError):
    """Someone else changed it since the caller read it (If-Match did not match)."""


class InvalidField(DispatchError):
    """A value is wrong; `field` names it by its path, e.g. `rows[3].window_start`."""


class Throttled(DispatchError):
    """Too many attempts: refused until `retry_after_s` has passed, whatever is sent meanwhile."""

    def __init__(self, message: str, retry_after_s: int):
        super().__init__(message)
        self.retry_after_s = retry_after_s


class Unavailable(DispatchError):
    """Something the operation needs (the database, the job queue) cannot be reached now; trying again later may work."""
