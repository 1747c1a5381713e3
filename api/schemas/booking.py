"""Booking: offers over the coming days, held while the patient decides, taken as a promised visit."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field

from api.schemas.common import Address, Body, LocalTime, Name, Phone, Window
from dispatch.vocabulary import OFFER_STATUSES, REQUEST_STATUSES, WEEKDAYS


class OfferSessionOut(BaseModel):
    session: int = Field(description="1 for a single visit; a course's sessions in order")
    date: dt.date
    window: Window = Field(description="the arrival window the patient is told")
    nurse_id: int = Field(description="the likely nurse (the roster may give the visit to another within the window)")
    nurse_name: str
    likely_start: str = Field(description="when the likely nurse would start, HH:MM in the region's time")


class OfferOut(BaseModel):
    id: int
    patient_id: int
    service: str
    course_id: int | None
    rank: int = Field(description="1 is the best, by the ranking stated in the answer")
    date: dt.date
    window: Window = Field(description="the arrival window the patient is told")
    nurse_id: int
    nurse_name: str
    likely_start: str
    duration_min: int
    added_travel_min: float = Field(description="the driving the visit adds to the likely nurse's day")
    status: Literal[OFFER_STATUSES]
    held_until: dt.datetime | None = Field(description="while held: the time it stops being kept for the caller")
    held_by: str | None = Field(default=None, description="while held: who holds it (only she may take it meanwhile)")
    visit_ids: list[int] = Field(description="the visits it books: a course's sessions; a single visit once taken")
    sessions: list[OfferSessionOut]
    preferred: bool | None = Field(default=None, description="on the patient's preferred days and times (when asked)")


class DayWithoutOffer(BaseModel):
    date: dt.date
    reason: str = Field(examples=["every nurse who may give it is fully booked that day"])


class OffersOut(BaseModel):
    patient_id: int
    service: str
    ranking: str = Field(description="how the offers are ordered")
    elapsed_ms: float
    offers: list[OfferOut]
    days_without: list[DayWithoutOffer] = Field(description="days of the range with no offer, and why")


class ServiceChoice(BaseModel):
    code: str
    name: str


class BookingForm(BaseModel):
    region_id: str
    region_name: str
    services: list[ServiceChoice] = Field(description="what a nurse gives at home")


class BookingRequestIn(Body):
    name: Name
    phone: Phone = Field(min_length=1, examples=["+1 303 555 0100"])
    address: Address = Field(min_length=1, examples=["1600 Pennsylvania St, Denver, CO"])
    service: Name = Field(examples=["hydration"])
    preferred_days: list[Literal[WEEKDAYS]] = Field(default=[], examples=[["mon", "thu"]])
    after: LocalTime | None = Field(default=None, description="preferred times from, HH:MM")
    before: LocalTime | None = Field(default=None, description="preferred times until, HH:MM")


class RequestedTime(BaseModel):
    date: dt.date
    window: Window


class BookingRequestAnswer(BaseModel):
    id: int
    status: Literal[REQUEST_STATUSES]
    times: list[RequestedTime] = Field(description="times the clinic may offer: nothing is booked until it confirms")
    message: str


class BookingRequestOut(BaseModel):
    id: int
    region_id: str
    name: str
    phone: str
    address: str
    service: str
    preferred: str
    times: list[RequestedTime]
    status: Literal[REQUEST_STATUSES]
    created_at: dt.datetime
    closed_by: str | None


class BookingRequestClose(Body):
    status: Literal["confirmed", "declined"]
