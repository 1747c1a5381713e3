"""The nurse's own day: itinerary and a private, revocable calendar feed."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from api.deps import AppServices, ClientAddress, Conn, CurrentUser, Limits
from api.schemas.auth import Token
from api.schemas.me import (
    CalendarFeed,
    DayFingerprint,
    Itinerary,
    Me,
    PasswordChange,
    Revoked,
    UndoIn,
    VisitReportAck,
    VisitReportIn,
    Week,
)
from dispatch.platform.access import issue_token
from dispatch.records.users import change_own_password, password_is_temporary
from dispatch.sameday import itinerary, reports

router = APIRouter(tags=["me"])


@router.get("/v1/me", response_model=Me)
def whoami(who: CurrentUser, conn: Conn) -> Me:
    """Who the token speaks for: username, role, regions, for a nurse her nurse record, and whether her password is
    still a temporary one."""
    return Me(
        username=who.username,
        role=who.role,
        regions=list(who.regions),
        nurse_id=who.nurse_id,
        password_temporary=password_is_temporary(conn, who.username),
    )


@router.post("/v1/me/password", response_model=Token)
def change_password(
    body: PasswordChange, conn: Conn, who: CurrentUser, services: AppServices, address: ClientAddress, limits: Limits
) -> Token:
    """Change her password (the current one required); every other token she holds stops working, so here is a new one."""
    principal = change_own_password(conn, who, body.current_password, body.new_password, address, limits)
    minutes = services.settings.token_minutes
    return Token(access_token=issue_token(principal, services.settings.signing_key, minutes), expires_in=int(minutes * 60))


@router.get("/v1/me/itinerary", response_model=Itinerary)
def my_itinerary(conn: Conn, who: CurrentUser, day: Annotated[date, Query(alias="date")]) -> dict:
    """A nurse's own published day: her stops in order with only what she needs to give each visit (audited)."""
    return itinerary.my_itinerary(conn, who, day)


@router.get("/v1/me/week", response_model=Week)
def my_week(
    conn: Conn,
    who: CurrentUser,
    first: Annotated[date, Query(alias="from")],
    last: Annotated[date, Query(alias="to")],
) -> dict:
    """Her published days from `from` to `to` (at most 28 days)."""
    return itinerary.my_week(conn, who, first, last)


@router.get("/v1/me/day", response_model=DayFingerprint)
def my_day_fingerprint(conn: Conn, who: CurrentUser, services: AppServices, day: Annotated[date, Query(alias="date")]) -> dict:
    """A fingerprint of her published day: her page polls it and reads the itinerary again when it changes."""
    return {"date": day, "fingerprint": itinerary.day_fingerprint(conn, who, day), "poll_s": services.settings.nurse_poll_s}


@router.post("/v1/me/visits/{visit_id}/reports", response_model=VisitReportAck, status_code=201)
def report(visit_id: int, body: VisitReportIn, conn: Conn, who: CurrentUser) -> dict:
    """Her session record: on my way, arrived, infusion started / ended, observation, done (discharged), running
    late, vital signs, an adverse event, the escort; the visit's status follows. With a `key`, sending it again is
    harmless: the answer is the first one's."""
    details = reports.SessionNote(body.systolic, body.diastolic, body.heart_rate, body.spo2, body.escort_present, body.note)
    return reports.report(conn, who, visit_id, body.kind, body.minutes_late, body.at, body.key, details)


@router.post("/v1/me/visits/{visit_id}/undo", response_model=VisitReportAck, status_code=201)
def undo(visit_id: int, body: UndoIn, conn: Conn, who: CurrentUser) -> dict:
    """Take back her latest report on the visit (within a minute of it): recorded, never erased; the status goes back."""
    return reports.undo(conn, who, visit_id, body.undoes, body.at, body.key)


@router.post("/v1/me/calendar-feed", response_model=CalendarFeed, status_code=201)
def new_feed(conn: Conn, who: CurrentUser, services: AppServices, request: Request) -> CalendarFeed:
    """A private subscription URL for her calendar app; keep it secret, revoke it if it leaks."""
    # The address the server listens on (the socket's, in the ASGI scope), never the Host header a caller may forge.
    base = itinerary.feed_base_url(services.settings.public_url, request.scope["scheme"], request.scope.get("server"))
    return CalendarFeed(url=base + itinerary.feed_path(itinerary.new_calendar_feed(conn, who)))


@router.delete("/v1/me/calendar-feed", response_model=Revoked)
def revoke_feeds(conn: Conn, who: CurrentUser) -> Revoked:
    """Revoke every calendar-feed link of the nurse (a new one is made on the next itinerary read)."""
    return Revoked(revoked=itinerary.revoke_calendar_feeds(conn, who))


@router.get(
    "/v1/calendar/{token}.ics",
    response_class=Response,
    responses={200: {"content": {"text/calendar": {}}, "description": "RFC 5545 calendar"}},
)
def calendar(token: str, conn: Conn) -> Response:
    """A nurse's private calendar feed (iCalendar), reached by its secret link; no login, so it carries only what the clinic
    allows.
    """
    body = itinerary.calendar_feed(conn, token, date.today())
    return Response(body, media_type="text/calendar; charset=utf-8", headers={"Cache-Control": "private, no-store"})


# Calendar apps check a subscription with HEAD: the same answer (status, headers), without the body
# (uvicorn sends none for HEAD). Left out of the OpenAPI document, which describes the GET.
router.add_api_route("/v1/calendar/{token}.ics", calendar, methods=["HEAD"], response_class=Response, include_in_schema=False)
