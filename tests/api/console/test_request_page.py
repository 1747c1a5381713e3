"""The patients' public request page in a real browser: no login, times the clinic may offer, nothing booked."""

from __future__ import annotations

from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import expect

from tests.api.browser import DESKTOP, log_in, needs_chromium, open_page
from tests.api.conftest import PASSWORD, region_today

pytestmark = needs_chromium()


@pytest.fixture
def page(browser, request):
    with open_page(browser, request, DESKTOP, locale="en-GB") as page:
        yield page


def test_a_patient_asks_for_a_visit_without_logging_in_and_is_told_the_times_the_clinic_may_offer(page, base_url, region, db):
    tomorrow = region_today(db) + timedelta(days=1)
    region.patient("Jordan")
    region.nurse("Ana", shift=("08:00", "16:00"), day=tomorrow)
    page.goto(f"{base_url}/console/request.html#region={region.id}")
    expect(page.locator("#region-name")).to_have_text("Test")
    expect(page.locator("#login")).to_have_count(0)
    page.get_by_label("Your name").fill("Kim Lee")
    page.get_by_label("Phone").fill("+1 303 555 0142")
    page.get_by_label("Address").fill("1437 Bannock St, Denver, CO 80202")
    page.get_by_label("Treatment").select_option("hydration")
    page.get_by_label("Preferred from").fill("13:00")
    page.get_by_role("button", name="Ask for a visit").click()
    expect(page.locator("#message")).to_contain_text("Nothing is booked until then")
    expect(page.locator("#times li")).to_have_count(1)
    expect(page.locator("#times li").first).to_contain_text("arriving")
    (asked,) = region.dispatcher.get(f"/v1/regions/{region.id}/booking-requests").json()
    assert (asked["name"], asked["status"], asked["preferred"]) == ("Kim Lee", "new", "after 13:00")


def test_the_front_desk_sees_a_request_on_the_booking_page_and_closes_it(page, base_url, region):
    body = {"name": "Kim Lee", "phone": "+1 303 555 0142", "address": "1437 Bannock St, Denver, CO 80202", "service": "hydration"}
    assert httpx.post(f"{base_url}/v1/public/regions/{region.id}/booking-requests", json=body).status_code == 201
    page.goto(f"{base_url}/console/book.html#region={region.id}")
    log_in(page, region.dispatcher_name, PASSWORD)
    row = page.locator("#requests tr", has_text="Kim Lee")
    expect(row).to_contain_text("+1 303 555 0142")
    row.get_by_role("button", name="Confirmed").click()
    expect(page.locator("#message")).to_have_text("Kim Lee's request: confirmed")
    expect(page.locator("#requests")).to_have_text("No request waiting.")
