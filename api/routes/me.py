"""The nurse's own day: itinerary and a private, revocable calendar feed."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import AppServices, Conn, CurrentUser
from api.schemas.me import CalendarFeed, Itinerary, Me, Revoked, VisitReportAck, VisitReportIn
from dispatch.sameday import itinerary, reports

router = APIRouter(tags=["me"])


@router.get("/v1/me", response_model=Me)
def whoami(who: CurrentUser) -> Me:
    return Me(username=who.username, role=who.role, regions=list(who.regions), nurse_id=who.nurse_id)


@router.get("/v1/me/itinerary", response_model=Itinerary)
def my_itinerary(conn: Conn, who: CurrentUser, day: Annotated[date, Query(alias="date")]) -> dict:
    return itinerary.my_itinerary(conn, who, day)


@router.post("/v1/me/visits/{visit_id}/reports", response_model=VisitReportAck, status_code=201)
def report(visit_id: int, body: VisitReportIn, conn: Conn, who: CurrentUser) -> dict:
    """Tell the dispatcher: on my way, started, running late (by how much) or done; the visit's status follows."""
    return reports.report(conn, who, visit_id, body.kind, body.minutes_late, body.at)


@router.post("/v1/me/calendar-feed", response_model=CalendarFeed, status_code=201)
def new_feed(conn: Conn, who: CurrentUser, services: AppServices, request: Request) -> CalendarFeed:
    """A private subscription URL for her calendar app; keep it secret, revoke it if it leaks."""
    token = itinerary.new_calendar_feed(conn, who)
    base = services.settings.public_url or str(request.base_url)
    return CalendarFeed(url=base.rstrip("/") + itinerary.feed_path(token))


@router.delete("/v1/me/calendar-feed", response_model=Revoked)
def revoke_feeds(conn: Conn, who: CurrentUser) -> Revoked:
    return Revoked(revoked=itinerary.revoke_calendar_feeds(conn, who))


@router.get("/v1/calendar/{token}.ics", response_class=Response,
            responses={200: {"content": {"text/calendar": {}}, "description": "RFC 5545 calendar"}})
def calendar(token: str, conn: Conn) -> Response:
    body = itinerary.calendar_feed(conn, token, date.today())
    return Response(body, media_type="text/calendar; charset=utf-8", headers={"Cache-Control": "private, no-store"})
