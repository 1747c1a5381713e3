"""A property over generated days and every placement path: no infusion is ever placed for a patient who is not
cleared on the visit's date (never evaluated, not cleared, needing review, cleared only later, expired, lapsed,
or withdrawn after the draft was made). Paths: solve, move, publish, urgent slots, re-plan.

Bounded for CI: small days (2 nurses, up to 4 patients), ten examples, solves of half a second.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dispatch.vocabulary import CLEARANCE_LAPSES_AFTER_DAYS
from tests.api.conftest import DAY, Region

TODAY = DAY - timedelta(days=1)  # the latest date a clinician may record (DAY is "today" or tomorrow here)


def oracle(records: list[dict], treatments: list[date], day: date = DAY) -> bool:
    """Cleared on `day`, worked out independently of dispatch/clinical/clearance.py."""
    known = [r for r in records if r["on"] <= day]
    if not known:
        return False
    latest = known[-1]  # recorded in date order below, so the last known is the latest
    if latest["outcome"] != "cleared" or day > latest["until"]:
        return False
    seen = max([latest["on"], *(t for t in treatments if latest["on"] <= t < day)])
    return (day - seen).days <= CLEARANCE_LAPSES_AFTER_DAYS


record = st.fixed_dictionaries(
    {
        "outcome": st.sampled_from(["cleared", "cleared", "not_cleared", "needs_review"]),
        "ago": st.integers(-1, 400),  # days before TODAY (-1: the day after, i.e. cleared only on the visit's day)
        "valid_days": st.integers(0, 365),
    }
)
patient = st.fixed_dictionaries(
    {
        "records": st.lists(record, max_size=2),
        "treated_ago": st.lists(st.integers(1, 300), max_size=2),
        "service": st.sampled_from(["ketamine", "hydration"]),
    }
)
day_plan = st.fixed_dictionaries(
    {"patients": st.lists(patient, min_size=1, max_size=4), "withdrawn": st.integers(0, 4)}  # whose clearance is withdrawn
)


def _placed(roster: dict) -> set[str]:
    return {s["visit_id"] for r in roster["roster"]["routes"] for s in r["stops"]}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(plan=day_plan)
def test_no_infusion_is_placed_for_a_patient_not_cleared_on_any_path(plan, base_url, admin, db):
    region = Region(base_url, admin, db)
    nurses = [region.nurse("Ana"), region.nurse("Bea", lat=39.70)]
    visits, cleared, history = {}, {}, {}
    for k, p in enumerate(plan["patients"]):
        person = region.patient(f"P{k}", lat=39.72 + 0.01 * k, cleared=False)
        records = []
        for r in sorted(p["records"], key=lambda r: -r["ago"]):
            on = TODAY - timedelta(days=r["ago"])
            body = {"outcome": r["outcome"], "evaluated_on": str(on)}
            if r["outcome"] == "cleared":
                body["valid_until"] = str(on + timedelta(days=r["valid_days"]))
            region.clear(person["id"], **body)
            records.append({"outcome": r["outcome"], "on": on, "until": on + timedelta(days=r["valid_days"])})
        treatments = [TODAY - timedelta(days=d) for d in p["treated_ago"]]
        for t in treatments:  # earlier infusions she was given (history, set up directly)
            db.execute(
                "INSERT INTO visits (region_id, patient_id, day, window_start, window_end, service_code, duration_min, status)"
                " VALUES (%s, %s, %s, '09:00', '10:00', 'hydration', 60, 'done')",
                [region.id, person["id"], t],
            )
        visit = region.visit(person["id"], service=p["service"], window=("08:30", "15:00"))
        visits[str(visit["id"])], cleared[str(visit["id"])] = person, oracle(records, treatments)
        history[str(visit["id"])] = (records, treatments)
        assert (visit["warnings"] == []) == cleared[str(visit["id"])]  # booking warns at once

    # Solve: only cleared patients' infusions reach a nurse.
    job = region.wait(region.solve(time_limit_s=0.5))
    draft = region.dispatcher.get(f"/v1/rosters/{job['roster_id']}").json()
    assert all(cleared[v] for v in _placed(draft)), draft["roster"]["unassigned"]

    # A clearance withdrawn after the draft was made: moves and publishing refuse what it would place.
    withdrawn = list(visits)[plan["withdrawn"]] if plan["withdrawn"] < len(visits) else None
    if withdrawn is not None:
        region.clear(visits[withdrawn]["id"], outcome="not_cleared", evaluated_on=str(TODAY))
        # The withdrawal is dated TODAY: a clearance recorded for a later day (the visit's) still stands after it.
        records, treatments = history[withdrawn]
        withdrawal = {"outcome": "not_cleared", "on": TODAY, "until": TODAY}
        cleared[withdrawn] = oracle(sorted([*records, withdrawal], key=lambda r: r["on"]), treatments)
    for visit_id in visits:
        move = region.dispatcher.post(
            f"/v1/rosters/{draft['id']}/moves",
            json={"visit_id": int(visit_id), "nurse_id": nurses[0]["id"]},
            headers={"If-Match": f'"{draft["revision"]}"'},
        )
        if not cleared[visit_id]:
            assert move.status_code == 409, move.text
        elif move.status_code == 200:
            draft = move.json()
    published = region.publish(region.dispatcher.get(f"/v1/rosters/{draft['id']}").json())
    if any(not cleared[v] for v in _placed(draft)):
        assert published.status_code == 409, published.text
        return
    assert published.status_code == 200, published.text

    # Urgent slots: refused for a visit whose patient is not cleared.
    for visit_id, ok in cleared.items():
        if not ok:
            slots = region.dispatcher.get(f"/v1/visits/{visit_id}/slots", params={"as_of": "07:00"})
            assert slots.status_code == 409, slots.text

    # Re-plan: the same gate.
    job = region.dispatcher.post(
        f"/v1/regions/{region.id}/rosters/{DAY}/replan", json={"as_of": "07:00", "time_limit_s": 0.5}
    ).json()
    job = region.wait(job)
    assert job["state"] == "succeeded", job
    replanned = region.dispatcher.get(f"/v1/rosters/{job['roster_id']}").json()
    assert all(cleared[v] for v in _placed(replanned))
