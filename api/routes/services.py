"""The service catalogue: anyone who books reads it; admins edit it."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import Conn, CurrentUser
from api.schemas.services import ServiceIn, ServiceOut, ServicePatch
from dispatch.records import services

router = APIRouter(prefix="/v1/services", tags=["services"])


@router.get("", response_model=list[ServiceOut])
def catalogue(conn: Conn, who: CurrentUser) -> list[dict]:
    """The service catalogue: time on site in parts, required certifications, clearance, route, and whether it may be given at
    home.
    """
    return services.services(conn, who)


@router.post("", response_model=ServiceOut, status_code=201)
def create_service(body: ServiceIn, conn: Conn, who: CurrentUser) -> dict:
    """Add a service to the catalogue (admins)."""
    given = body.model_dump(exclude={"code"})
    return services.add_service(conn, who, body.code, given)


@router.patch("/{code}", response_model=ServiceOut)
def change_service(code: str, body: ServicePatch, conn: Conn, who: CurrentUser) -> dict:
    """Change a service of the catalogue (admins); a service that may not be given at home cannot be made so."""
    return services.update_service(conn, who, code, body.given())
