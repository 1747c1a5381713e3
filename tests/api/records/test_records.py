"""Nurses, patients and visits: read back what was written, change it without overwriting someone else, delete with care."""

from __future__ import annotations

from tests.api.conftest import DAY


def test_a_nurse_round_trips_with_certifications_and_break(region):
    nurse = region.nurse(
        "Cleo",
        certifications=("rn", {"name": "ketamine", "expires_on": "2027-01-31"}),
        max_visits=6,
        **{"break": {"window": {"start": "11:30", "end": "13:30"}, "duration_min": 30}},
    )
    read = region.dispatcher.get(f"/v1/nurses/{nurse['id']}")
    assert read.headers["etag"] == '"1"'
    body = read.json()
    assert body["certifications"] == [{"name": "ketamine", "expires_on": "2027-01-31"}, {"name": "rn", "expires_on": None}]
    assert body["break"] == {"window": {"start": "11:30:00", "end": "13:30:00"}, "duration_min": 30}
    assert body["max_visits"] == 6 and body["licensed_states"] == ["CO"]


def test_a_change_made_on_a_stale_version_is_refused(region):
    patient = region.patient("Dee")
    first = region.dispatcher.patch(f"/v1/patients/{patient['id']}", json={"notes": "call ahead"}, headers={"If-Match": '"1"'})
    assert first.status_code == 200 and first.json()["version"] == 2
    stale = region.dispatcher.patch(f"/v1/patients/{patient['id']}", json={"notes": "gate code"}, headers={"If-Match": '"1"'})
    assert stale.status_code == 412
    assert region.dispatcher.get(f"/v1/patients/{patient['id']}").json()["notes"] == "call ahead"


def test_a_visit_status_follows_the_day(region):
    visit = region.visit(region.patient()["id"])
    refused = region.dispatcher.patch(f"/v1/visits/{visit['id']}", json={"status": "done"})
    assert refused.status_code == 409
    assert refused.json()["detail"] == "a requested visit cannot become done (next: cancelled, scheduled)"
    assert region.dispatcher.patch(f"/v1/visits/{visit['id']}", json={"status": "cancelled"}).json()["status"] == "cancelled"
    final = region.dispatcher.patch(f"/v1/visits/{visit['id']}", json={"status": "requested"})
    assert final.status_code == 409 and "final" in final.json()["detail"]


def test_deleting_keeps_history(region):
    nurse = region.nurse("Eve")
    patient = region.patient("Fay")
    visit = region.visit(patient["id"])
    assert region.dispatcher.delete(f"/v1/patients/{patient['id']}").status_code == 409  # she has a visit
    assert region.publish(region.solved_roster()).status_code == 200
    in_roster = region.dispatcher.delete(f"/v1/visits/{visit['id']}")
    assert in_roster.status_code == 409 and "cancelled" in in_roster.json()["detail"]
    assert region.dispatcher.delete(f"/v1/nurses/{nurse['id']}").status_code == 409
    spare = region.visit(region.patient("Gus")["id"], day=DAY.replace(day=2))
    assert region.dispatcher.delete(f"/v1/visits/{spare['id']}").status_code == 204
    assert region.dispatcher.get(f"/v1/visits/{spare['id']}").status_code == 404


def test_patient_reads_are_in_the_audit_log_for_admins(region, admin):
    patient = region.patient("Hal")
    region.dispatcher.get(f"/v1/patients/{patient['id']}")
    entries = admin.get("/v1/audit", params={"resource": f"patient/{patient['id']}"}).json()
    assert [(e["username"], e["action"]) for e in entries][:2] == [
        (region.dispatcher_name, "read"),
        (region.dispatcher_name, "create"),
    ]
    assert region.dispatcher.get("/v1/audit").status_code == 403
