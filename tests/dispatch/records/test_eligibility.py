"""The eligibility rules, by hand: certifications valid on the visit's date, state licences."""

from __future__ import annotations

from datetime import date

from dispatch.records.eligibility import nurse_skills, visit_skills

DAY = date(2026, 12, 1)


def test_a_certification_is_valid_through_its_expiry_day_and_not_after():
    certifications = [("rn", None), ("ketamine", date(2026, 12, 1)), ("nad", date(2026, 11, 30))]
    assert nurse_skills(certifications, ["co"], DAY) == {"rn", "ketamine", "licensed:CO"}


def test_a_visit_needs_its_service_certifications_and_a_licence_in_the_patients_state():
    assert visit_skills(["rn", "iv"], "az") == {"rn", "iv", "licensed:AZ"}
    assert not visit_skills(["rn"], "AZ") <= nurse_skills([("rn", None)], ["CO"], DAY)
