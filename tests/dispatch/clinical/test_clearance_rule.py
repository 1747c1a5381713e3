"""The clearance rule by hand: the latest evaluation on or before the day decides, within its validity and its lapse."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from dispatch.clinical.clearance import Clearance, EvaluationRecord, clearance_on, hold_reason
from dispatch.vocabulary import CLEARANCE_LAPSES_AFTER_DAYS, CLEARANCE_VALID_DAYS, EVALUATION_OUTCOMES

DAY = date(2026, 12, 1)


def cleared(id: int, on: date, valid_days: int = CLEARANCE_VALID_DAYS) -> EvaluationRecord:
    return EvaluationRecord(id, "cleared", on, on + timedelta(days=valid_days))


def test_a_patient_never_evaluated_is_not_cleared():
    assert clearance_on(DAY, [], []) == Clearance(False, "no evaluation recorded")


def test_a_done_evaluation_visit_is_not_a_clearance_until_a_clinician_decides():
    waiting = EvaluationRecord(1, "needs_review", DAY - timedelta(days=2), None)
    assert clearance_on(DAY, [waiting], []).reason == f"evaluation of {waiting.evaluated_on} needs review by a clinician"
    assert clearance_on(DAY, [waiting, cleared(2, waiting.evaluated_on)], []).cleared


def test_a_patient_found_unsuitable_is_not_cleared_and_supersedes_an_earlier_clearance():
    records = [cleared(1, DAY - timedelta(days=40)), EvaluationRecord(2, "not_cleared", DAY - timedelta(days=3), None)]
    assert clearance_on(DAY, records, []) == Clearance(False, f"the evaluation of {DAY - timedelta(days=3)} did not clear her")
    # …but not on days before that evaluation
    assert clearance_on(DAY - timedelta(days=4), records, []).cleared


def test_a_clearance_recorded_after_the_visits_date_does_not_count_for_it():
    assert not clearance_on(DAY, [cleared(1, DAY + timedelta(days=1))], []).cleared


def test_a_clearance_expires_after_its_valid_until():
    record = cleared(1, DAY - timedelta(days=60), valid_days=30)
    assert clearance_on(DAY, [record], [DAY - timedelta(days=2)]) == Clearance(
        False, f"clearance expired on {record.valid_until}"
    )


def test_a_clearance_lapses_after_months_without_treatment_and_treatments_keep_it():
    evaluated = DAY - timedelta(days=CLEARANCE_LAPSES_AFTER_DAYS + 1)
    assert "lapsed" in clearance_on(DAY, [cleared(1, evaluated)], []).reason
    assert clearance_on(DAY, [cleared(1, evaluated)], [evaluated + timedelta(days=100)]).cleared


def test_the_hold_reason_says_what_for_and_why():
    assert (
        hold_reason("Ketamine infusion (migraine)", Clearance(False, "evaluation of 2026-11-30 needs review by a clinician"))
        == "not cleared for ketamine infusion (migraine): evaluation of 2026-11-30 needs review by a clinician"
    )


@st.composite
def histories(draw):
    """Evaluation records and treatment days around DAY."""
    count = draw(st.integers(0, 4))
    records = []
    for i in range(count):
        on = DAY + timedelta(days=draw(st.integers(-500, 10)))
        outcome = draw(st.sampled_from(EVALUATION_OUTCOMES))
        valid = on + timedelta(days=draw(st.integers(0, CLEARANCE_VALID_DAYS))) if outcome == "cleared" else None
        records.append(EvaluationRecord(i + 1, outcome, on, valid))
    treatments = [DAY + timedelta(days=d) for d in draw(st.lists(st.integers(-500, 10), max_size=4))]
    return records, treatments


@settings(max_examples=300, deadline=None)
@given(histories())
def test_cleared_only_by_a_cleared_record_dated_by_the_day_still_valid_and_not_lapsed(history):
    records, treatments = history
    result = clearance_on(DAY, records, treatments)
    known = [r for r in records if r.evaluated_on <= DAY]
    if result.cleared:
        latest = max(known, key=lambda r: (r.evaluated_on, r.id))
        assert latest.outcome == "cleared" and latest.valid_until is not None and DAY <= latest.valid_until
        seen = [latest.evaluated_on, *(t for t in treatments if latest.evaluated_on <= t < DAY)]
        assert (DAY - max(seen)).days <= CLEARANCE_LAPSES_AFTER_DAYS
    else:
        assert result.reason
