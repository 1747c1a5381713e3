"""The audit log, for admins: who read or changed what, and when."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from fastapi import APIRouter, Query
from pydantic import BaseModel

from api.deps import Conn, CurrentUser
from dispatch.platform import audit

router = APIRouter(prefix="/v1/audit", tags=["audit"])


class AuditEntry(BaseModel):
    id: int
    at: datetime
    username: str
    action: str
    resource: str
    detail: dict[str, Any]


@router.get("", response_model=list[AuditEntry])
def audit_entries(
    conn: Conn, who: CurrentUser, resource: str | None = None, limit: Annotated[int, Query(ge=1, le=1000)] = 100
) -> list[dict]:
    """Newest first; `resource` filters, e.g. `patient/12`."""
    return audit.entries(conn, who, limit, resource)
