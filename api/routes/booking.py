"""Booking: real offers across the coming days for a patient's visit, held while she decides, then taken."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request

from api.deps import AppServices, Conn, CurrentUser, client_address
from api.schemas.booking import (
    BookingForm,
    BookingRequestAnswer,
    BookingRequestClose,
    BookingRequestIn,
    BookingRequestOut,
    OfferOut,
    OffersOut,
)
from api.schemas.common import LocalTime
from api.schemas.visits import VisitOut
from dispatch.booking import offers, requests
from dispatch.vocabulary import (
    ARRIVAL_WINDOW_BOUNDS,
    ARRIVAL_WINDOW_MIN,
    MAX_PLAN_DAYS,
    OFFER_DAYS,
    OFFER_URGENCIES,
    REQUEST_STATUSES,
    WEEKDAYS,
)

router = APIRouter(tags=["booking"])


@router.get("/v1/patients/{patient_id}/offers", response_model=OffersOut)
def patient_offers(
    patient_id: int,
    conn: Conn,
    who: CurrentUser,
    services: AppServices,
    service: Annotated[str | None, Query(min_length=1, description="a code of the service catalogue")] = None,
    course: Annotated[
        int | None, Query(ge=1, description="the patient's course: each offer books all its sessions still to date")
    ] = None,
    days: Annotated[int, Query(ge=1, le=MAX_PLAN_DAYS, description="how many days to look at")] = OFFER_DAYS,
    from_: Annotated[
        dt.date | None, Query(alias="from", description="the first day; default: tomorrow (today when acute)")
    ] = None,
    window_min: Annotated[
        int, Query(ge=ARRIVAL_WINDOW_BOUNDS[0], le=ARRIVAL_WINDOW_BOUNDS[1], description="the arrival window told")
    ] = ARRIVAL_WINDOW_MIN,
    urgency: Annotated[Literal[OFFER_URGENCIES], Query(description="acute: earliest first")] = "routine",
    preferred_days: Annotated[list[Literal[WEEKDAYS]] | None, Query(description="e.g. mon, thu: ranked first")] = None,
    after: Annotated[LocalTime | None, Query(description="preferred times from, HH:MM: ranked first")] = None,
    before: Annotated[LocalTime | None, Query(description="preferred times until, HH:MM: ranked first")] = None,
) -> dict:
    """Up to five ranked offers (date, arrival window, likely nurse, added driving) for the service over the coming days.

    With `course`, each offer books all the course's sessions still to date within its gaps, with one nurse in one
    arrival window ("Mondays and Thursdays at 9:00–11:00 for three weeks, with Ana"); its first session falls in the
    days asked.

    Each offer fits everything already promised: published and draft rosters (the week plan's too), visits
    booked since, offers held or taken, nurses' shifts, breaks, caps, certifications, licences, and the
    patient's clearance. Days without an offer are listed with the reason."""
    question = offers.OfferQuestion(
        patient_id=patient_id,
        service=service,
        days=days,
        first=from_,
        window_min=window_min,
        urgency=urgency,
        preferred_days=tuple(preferred_days or ()),
        preferred_from=after,
        preferred_to=before,
        course_id=course,
    )
    return offers.find_offers(conn, who, question, services.booking_days)


@router.post("/v1/offers/{offer_id}/hold", response_model=OfferOut)
def hold_offer(offer_id: int, conn: Conn, who: CurrentUser, services: AppServices) -> dict:
    """Keep the offer's time for a few minutes (NURSE_DISPATCH_BOOKING_HOLD_MINUTES) while the patient decides.

    409 with the reason when it no longer fits, or another caller holds or took that time."""
    return offers.hold(conn, who, offer_id, services.settings.booking_hold_minutes)


@router.post("/v1/offers/{offer_id}/take", response_model=VisitOut, status_code=201)
def take_offer(offer_id: int, conn: Conn, who: CurrentUser) -> dict:
    """Book the offer: the visit with the offered window, marked promised (a course offer books every session).

    409 with the reason when it no longer fits, was taken already, or the booking is refused (a duplicate)."""
    return offers.take(conn, who, offer_id)


@router.get("/v1/public/regions/{region_id}/booking-form", response_model=BookingForm)
def booking_form(region_id: str, conn: Conn) -> dict:
    """For the public request page (no login): the region's name and the services a nurse gives at home."""
    return requests.booking_form(conn, region_id)


@router.post("/v1/public/regions/{region_id}/booking-requests", response_model=BookingRequestAnswer, status_code=201)
def request_booking(region_id: str, body: BookingRequestIn, conn: Conn, services: AppServices, request: Request) -> dict:
    """A patient's own request (no login): recorded for the front desk, answered with times the clinic may offer.

    Nothing is booked until the front desk confirms. At most NURSE_DISPATCH_BOOKING_REQUESTS_PER_HOUR requests an hour
    from one address to one region (429 with Retry-After beyond)."""
    return requests.take_request(
        conn,
        services.geocoder,
        services.booking_days,
        region_id,
        body.model_dump(),
        client_address(request),
        services.settings.booking_requests_per_hour,
    )


@router.get("/v1/regions/{region_id}/booking-requests", response_model=list[BookingRequestOut])
def booking_requests(
    region_id: str,
    conn: Conn,
    who: CurrentUser,
    status: Annotated[Literal[REQUEST_STATUSES] | None, Query(description="only these")] = None,
) -> list[dict]:
    """Patients' own requests for the front desk to call back, newest first."""
    return requests.requests_in(conn, who, region_id, status)


@router.post("/v1/booking-requests/{request_id}/close", response_model=BookingRequestOut)
def close_booking_request(request_id: int, body: BookingRequestClose, conn: Conn, who: CurrentUser) -> dict:
    """The front desk called back: the request is confirmed (booked through offers) or declined."""
    return requests.close_request(conn, who, request_id, body.status)
