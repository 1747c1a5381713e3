"""The visits CSV import refuses what it cannot read faithfully: extra fields, an unclosed quote, too many rows."""

from __future__ import annotations

from dispatch.records.visits import MAX_IMPORT_ROWS
from tests.api.conftest import DAY

HEADER = "patient_id,date,window_start,window_end,service,notes\n"


def _import(region, csv: str):
    return region.dispatcher.post(f"/v1/regions/{region.id}/visits/import", content=csv, headers={"content-type": "text/csv"})


def _visits(region) -> list:
    return region.dispatcher.get(f"/v1/regions/{region.id}/visits", params={"date": str(DAY)}).json()


def test_a_row_with_more_fields_than_the_header_is_refused_naming_its_line(region):
    patient = region.patient()
    csv = (
        HEADER + f"{patient['id']},{DAY},09:00,12:00,hydration,fine\n"
        f"{patient['id']},{DAY},09:00,12:00,hydration,gate code 12,34\n"
    )
    answer = _import(region, csv)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "line 3" and "1 field more than the header's 6 columns" in answer.json()["detail"]
    assert _visits(region) == []


def test_a_quote_never_closed_is_refused_naming_the_line_it_opens_on(region):
    patient = region.patient()
    csv = (
        HEADER + f"{patient['id']},{DAY},09:00,12:00,hydration,fine\n"
        f'{patient["id"]},{DAY},09:00,12:00,hydration,"ring twice\n'
        f"{patient['id']},{DAY},09:00,12:00,hydration,fine\n"
    )
    answer = _import(region, csv)
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "line 3" and "never closed" in answer.json()["detail"]
    assert _visits(region) == []


def test_a_file_over_the_row_cap_is_refused_before_any_row_is_checked(region):
    patient = region.patient()
    row = f"{patient['id']},{DAY},09:00,12:00,hydration,\n"
    answer = _import(region, HEADER + row * (MAX_IMPORT_ROWS + 1))
    assert answer.status_code == 422, answer.text
    assert answer.json()["field"] == "body" and f"more than {MAX_IMPORT_ROWS} visits" in answer.json()["detail"]
    assert _visits(region) == []
