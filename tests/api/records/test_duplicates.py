"""One visit is booked once: the same patient, service and day in an overlapping window is refused on every path,
and an import sent again with its Idempotency-Key imports nothing twice."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from tests.api.conftest import DAY

HEADER = "patient_id,date,window_start,window_end,service\n"


def _import(region, csv: str, key: str | None = None):
    headers = {"content-type": "text/csv"} | ({"Idempotency-Key": key} if key else {})
    return region.dispatcher.post(f"/v1/regions/{region.id}/visits/import", content=csv, headers=headers)


def _visits_of_day(region) -> list[dict]:
    return region.dispatcher.get(f"/v1/regions/{region.id}/visits", params={"date": str(DAY)}).json()


def test_booking_the_same_visit_twice_is_refused_naming_the_patient_and_the_first(region):
    avery = region.patient("Avery")
    first = region.visit(avery["id"], window=("09:00", "12:00"))
    body = {"patient_id": avery["id"], "date": str(DAY), "window": {"start": "10:00", "end": "13:00"}, "service": "hydration"}
    answer = region.dispatcher.post("/v1/visits", json=body)
    assert answer.status_code == 409, answer.text
    problem = answer.json()
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert "Avery" in problem["detail"] and f"visit {first['id']}" in problem["detail"], problem
    assert "09:00–12:00" in problem["detail"] and problem["field"] == "window"
    assert len(_visits_of_day(region)) == 1


def test_another_service_a_later_window_or_after_a_cancellation_is_a_new_visit(region):
    avery = region.patient("Avery")
    first = region.visit(avery["id"], window=("09:00", "12:00"))
    region.visit(avery["id"], window=("09:00", "12:00"), service="myers")
    region.visit(avery["id"], window=("12:00", "15:00"))  # sharing only the end point
    assert region.dispatcher.patch(f"/v1/visits/{first['id']}", json={"status": "cancelled"}).status_code == 200
    region.visit(avery["id"], window=("09:00", "12:00"))


def test_a_change_that_makes_a_visit_a_second_copy_of_another_is_refused(region):
    avery = region.patient("Avery")
    first = region.visit(avery["id"], window=("09:00", "12:00"))
    second = region.visit(avery["id"], window=("13:00", "15:00"))
    answer = region.dispatcher.patch(f"/v1/visits/{second['id']}", json={"window": {"start": "11:00", "end": "14:00"}})
    assert answer.status_code == 409, answer.text
    assert "Avery" in answer.json()["detail"] and f"visit {first['id']}" in answer.json()["detail"]
    # The visit itself is no duplicate of itself: changing its notes or its own window is fine.
    assert (
        region.dispatcher.patch(f"/v1/visits/{first['id']}", json={"window": {"start": "08:00", "end": "11:00"}}).status_code
        == 200
    )


def test_importing_the_same_file_twice_is_refused_naming_each_line_and_imports_nothing(region):
    avery, blake = region.patient("Avery"), region.patient("Blake")
    csv = HEADER + f"{avery['id']},{DAY},09:00,12:00,hydration\n{blake['id']},{DAY},10:00,11:00,myers\n"
    assert _import(region, csv).status_code == 201
    answer = _import(region, csv)
    assert answer.status_code == 409, answer.text
    detail = answer.json()["detail"]
    assert "line 2: window: Avery already has" in detail and "line 3: window: Blake already has" in detail, detail
    assert answer.json()["field"] == "line 2: window"
    assert len(_visits_of_day(region)) == 2


def test_a_file_with_the_same_visit_on_two_lines_is_refused_naming_both(region):
    avery = region.patient("Avery")
    csv = HEADER + f"{avery['id']},{DAY},09:00,12:00,hydration\n{avery['id']},{DAY},09:30,10:30,hydration\n"
    answer = _import(region, csv)
    assert answer.status_code == 409, answer.text
    assert "line 3: window: Avery already has" in answer.json()["detail"] and "(line 2)" in answer.json()["detail"]
    assert _visits_of_day(region) == []


def test_an_import_sent_again_with_its_key_answers_the_first_and_imports_nothing(region):
    avery = region.patient("Avery")
    csv = HEADER + f"{avery['id']},{DAY},09:00,12:00,hydration\n"
    first = _import(region, csv, key="monday-file")
    assert first.status_code == 201, first.text
    again = _import(region, csv, key="monday-file")
    assert again.status_code == 200, again.text
    assert again.json() == first.json()
    assert len(_visits_of_day(region)) == 1


def test_the_same_key_with_another_file_is_a_409_naming_the_header(region):
    avery = region.patient("Avery")
    assert _import(region, HEADER + f"{avery['id']},{DAY},09:00,12:00,hydration\n", key="k1").status_code == 201
    answer = _import(region, HEADER + f"{avery['id']},{DAY},13:00,15:00,hydration\n", key="k1")
    assert answer.status_code == 409, answer.text
    assert answer.json()["field"] == "Idempotency-Key"
    assert len(_visits_of_day(region)) == 1


def test_two_bookings_of_one_visit_at_once_make_one_visit(region):
    avery = region.patient("Avery")
    body = {"patient_id": avery["id"], "date": str(DAY), "window": {"start": "09:00", "end": "12:00"}, "service": "hydration"}
    with ThreadPoolExecutor(4) as pool:
        codes = sorted(pool.map(lambda _: region.dispatcher.post("/v1/visits", json=body).status_code, range(4)))
    assert codes == [201, 409, 409, 409]
    assert len(_visits_of_day(region)) == 1


def test_two_imports_with_one_key_at_once_import_once(region):
    avery = region.patient("Avery")
    csv = HEADER + f"{avery['id']},{DAY},09:00,12:00,hydration\n"
    with ThreadPoolExecutor(3) as pool:
        answers = list(pool.map(lambda _: _import(region, csv, key="once"), range(3)))
    assert sorted(a.status_code for a in answers) == [200, 200, 201]
    assert len({tuple(a.json()["visit_ids"]) for a in answers}) == 1
    assert len(_visits_of_day(region)) == 1
