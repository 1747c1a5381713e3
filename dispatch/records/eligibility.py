"""Who may take which visit, derived from stored facts and handed to the solver as skills.

A nurse may take a visit only if every certification the service needs is valid on the visit's
date and she is licensed in the patient's state. This module is the one copy of those rules; whether
the patient may be treated at all is the clinical gate's (dispatch/clinical/clearance.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

LICENSE_PREFIX = "licensed:"


def license_skill(state: str) -> str:
    return f"{LICENSE_PREFIX}{state.upper()}"


def nurse_skills(certifications: Iterable[tuple[str, date | None]], licensed_states: Iterable[str], day: date) -> set[str]:
    """Her certifications still valid on `day` (valid through their expiry date), and her state licences."""
    valid = {name for name, expires_on in certifications if expires_on is None or expires_on >= day}
    return valid | {license_skill(state) for state in licensed_states}


def visit_skills(required_certifications: Iterable[str], patient_state: str) -> set[str]:
    return set(required_certifications) | {license_skill(patient_state)}
