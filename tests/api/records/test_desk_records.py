"""The front desk's records through the API: a nurse's login given by her region's dispatcher, certifications about to
lapse, a home found from its address, a patient's external id (MRN), patient search, and the two CSV imports by MRN."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.api.conftest import DAY, PASSWORD, Region, login, region_today, unique

# The stand-in geocoder's (tests/api/fake_geocoder.py); not the address test_inputs.py expects never to have been asked.
KNOWN = "900 E 11th Ave, Denver, CO 80218"


def _problem(answer, status: int, field: str | None = None) -> dict:
    assert answer.status_code == status, answer.text
    assert answer.headers["content-type"] == "application/problem+json"
    body = answer.json()
    if field is not None:
        assert body["field"] == field, body
    return body


@pytest.fixture
def other(base_url, admin, db) -> Region:
    return Region(base_url, admin, db)


# ---------------------------------------------------------------- a nurse's login


def test_a_dispatcher_gives_her_regions_nurse_a_login_whose_temporary_password_works_once_shown(region, base_url):
    ana = region.nurse("Ana Ruiz", shift=("08:00", "16:00"))
    username = unique("ana")
    answer = region.dispatcher.post(f"/v1/nurses/{ana['id']}/account", json={"username": username})
    assert answer.status_code == 201, answer.text
    given = answer.json()
    assert (given["nurse_id"], given["name"], given["username"]) == (ana["id"], "Ana Ruiz", username)
    assert len(given["temporary_password"]) >= 12
    nurse = login(base_url, username, given["temporary_password"])
    assert nurse.get("/v1/me").json()["nurse_id"] == ana["id"]
    assert nurse.get("/v1/me/itinerary", params={"date": str(DAY)}).status_code == 200
    assert region.dispatcher.get(f"/v1/nurses/{ana['id']}").json()["login"] == username
    # The password is not kept anywhere it could be read again: a second request is refused, naming her.
    again = _problem(region.dispatcher.post(f"/v1/nurses/{ana['id']}/account", json={"username": unique("x")}), 409, "username")
    assert "Ana Ruiz already has the login" in again["detail"] and given["temporary_password"] not in again["detail"]


def test_a_taken_user_name_or_an_inactive_nurse_gets_no_login_and_the_refusal_names_her(region):
    bea = region.nurse("Bea Lund", shift=None)
    body = _problem(region.dispatcher.post(f"/v1/nurses/{bea['id']}/account", json={"username": region.dispatcher_name}), 409)
    assert body["field"] == "username" and "choose another for Bea Lund" in body["detail"]
    _problem(region.dispatcher.post(f"/v1/nurses/{bea['id']}/account", json={"username": ""}), 422, "username")
    _problem(region.dispatcher.post(f"/v1/nurses/{bea['id']}/account", json={"username": "   "}), 422, "username")
    patched = region.dispatcher.patch(f"/v1/nurses/{bea['id']}", json={"active": False})
    assert patched.status_code == 200, patched.text
    body = _problem(region.dispatcher.post(f"/v1/nurses/{bea['id']}/account", json={"username": unique("bea")}), 409, "active")
    assert "Bea Lund is not active" in body["detail"]
    assert region.dispatcher.get(f"/v1/nurses/{bea['id']}").json()["login"] is None


def test_a_dispatcher_of_another_region_and_a_nurse_cannot_give_a_login(region, other, db):
    cy = region.nurse("Cy Okafor", shift=None)
    username = unique("cy")
    _problem(other.dispatcher.post(f"/v1/nurses/{cy['id']}/account", json={"username": username}), 404)
    nurse = region.nurse_account(region.nurse("Di", shift=None)["id"])
    _problem(nurse.post(f"/v1/nurses/{cy['id']}/account", json={"username": username}), 403)
    assert db.execute("SELECT 1 FROM users WHERE username = %s", [username]).fetchone() is None


# ---------------------------------------------------------------- certifications about to lapse, home by address


def test_certifications_expiring_within_30_days_or_expired_are_flagged_by_name_and_date(region, db):
    today = region_today(db)
    certifications = [
        {"name": "rn", "expires_on": str(today + timedelta(days=400))},
        {"name": "iv", "expires_on": str(today + timedelta(days=10))},
        {"name": "ketamine", "expires_on": str(today - timedelta(days=1))},
        {"name": "bls", "expires_on": str(today + timedelta(days=31))},
    ]
    ana = region.nurse("Ana Ruiz", certifications=certifications, shift=None)
    assert ana["certification_warnings"] == [
        f"Ana Ruiz's ketamine certification expired on {today - timedelta(days=1)}: she cannot take visits that need it",
        f"Ana Ruiz's iv certification expires on {today + timedelta(days=10)} (in 10 days): renew it",
    ]
    listed = {n["id"]: n for n in region.dispatcher.get(f"/v1/regions/{region.id}/nurses").json()}
    assert listed[ana["id"]]["certification_warnings"] == ana["certification_warnings"]


def test_a_nurses_home_is_geocoded_from_its_address_and_a_home_neither_given_nor_found_names_the_field(region):
    body = {"name": "Eva Sol", "home_address": KNOWN, "certifications": [{"name": "rn"}]}
    answer = region.dispatcher.post(f"/v1/regions/{region.id}/nurses", json=body)
    assert answer.status_code == 201, answer.text
    assert answer.json()["home"] == {"lat": 39.7334, "lon": -104.9774} and answer.json()["home_address"] == KNOWN
    unknown = region.dispatcher.post(f"/v1/regions/{region.id}/nurses", json=body | {"home_address": "1 Nowhere Lane"})
    _problem(unknown, 422, "home_address")
    nothing = _problem(region.dispatcher.post(f"/v1/regions/{region.id}/nurses", json={"name": "Fia Ost"}), 422, "home")
    assert nothing["detail"].startswith("Fia Ost:")
    before = region.dispatcher.get(f"/v1/regions/{region.id}/nurses").json()
    assert [n["name"] for n in before] == ["Eva Sol"]  # no half-written nurse


# ---------------------------------------------------------------- a patient's external id (MRN) and search


def test_an_external_id_is_one_patients_in_her_region_and_a_second_is_refused_naming_the_first(region, other):
    first = region.patient("Jordan Lee", external_id="MRN-7")
    assert first["external_id"] == "MRN-7"
    taken = region.dispatcher.post(
        f"/v1/regions/{region.id}/patients",
        json={"name": "Kim Ode", "location": {"lat": 39.7, "lon": -105.0}, "state": "CO", "external_id": "MRN-7"},
    )
    assert "already Jordan Lee's" in _problem(taken, 409, "external_id")["detail"]
    assert other.patient("Elsewhere", external_id="MRN-7", cleared=False)["external_id"] == "MRN-7"  # another region's
    second = region.patient("Kim Ode", external_id="MRN-8", cleared=False)
    _problem(region.dispatcher.patch(f"/v1/patients/{second['id']}", json={"external_id": "MRN-7"}), 409, "external_id")
    _problem(region.dispatcher.patch(f"/v1/patients/{second['id']}", json={"external_id": "x" * 65}), 422, "external_id")
    cleared = region.dispatcher.patch(f"/v1/patients/{second['id']}", json={"external_id": None})
    assert cleared.status_code == 200 and cleared.json()["external_id"] is None


def test_patients_are_found_by_part_of_their_name_external_id_or_phone_and_wildcards_are_text(region):
    region.patient("Jordan Lee", external_id="MRN-100", phone="+1 303 555 0142", cleared=False)
    region.patient("Lena Park", external_id="MRN-200", cleared=False)

    def found(search: str) -> list[str]:
        answer = region.dispatcher.get(f"/v1/regions/{region.id}/patients", params={"search": search})
        assert answer.status_code == 200, answer.text
        return [p["name"] for p in answer.json()]

    assert found("jord") == ["Jordan Lee"]
    assert found("mrn-2") == ["Lena Park"]
    assert found("0142") == ["Jordan Lee"]
    assert found("%") == [] and found("_") == []
    assert found("MRN") == ["Jordan Lee", "Lena Park"]


# ---------------------------------------------------------------- the patients CSV


def test_a_patients_csv_imports_all_its_patients_once_keyed_by_external_id(region):
    text = "external_id,name,state,address,phone,lat,lon\n" + (
        f'MRN-1,Gus Petit,co,"{KNOWN}",+1 303 555 0104,,\nMRN-2,Hal Ames,CO,,,39.70,-104.95\n'
    )
    url = f"/v1/regions/{region.id}/patients/import"
    answer = region.dispatcher.post(url, content=text, headers={"Content-Type": "text/csv"})
    assert answer.status_code == 201, answer.text
    first = answer.json()
    assert (first["imported"], first["kept"]) == (2, 0)
    patients = {p["external_id"]: p for p in region.dispatcher.get(f"/v1/regions/{region.id}/patients").json()}
    assert patients["MRN-1"]["location"] == {"lat": 39.7334, "lon": -104.9774} and patients["MRN-1"]["state"] == "CO"
    assert patients["MRN-2"]["location"] == {"lat": 39.70, "lon": -104.95}
    again = region.dispatcher.post(url, content=text, headers={"Content-Type": "text/csv"}).json()
    assert (again["imported"], again["kept"], sorted(again["kept_ids"])) == (0, 2, sorted(first["patient_ids"]))
    assert len(region.dispatcher.get(f"/v1/regions/{region.id}/patients").json()) == 2


@pytest.mark.parametrize(
    ("line", "field", "said"),
    [
        ("MRN-9,,CO,,,39.7,-105", "line 3: name", "is empty"),
        ("MRN-9,Ida Ro,ZZ,,,39.7,-105", "line 3: state", "unknown state 'ZZ'"),
        ("MRN-9,Ida Ro,CO,,,39.7,", "line 3: lat", "lat and lon must be given together"),
        ("MRN-9,Ida Ro,CO,,,,", "line 3: address", "Ida Ro: give an address, or lat and lon"),
        ("MRN-9,Ida Ro,CO,1 Nowhere Lane,,,", "line 3: address", "Ida Ro: the address could not be geocoded"),
        ("MRN-1,Ida Ro,CO,,,39.7,-105", "line 3: external_id", "external id MRN-1 is on line 2 too"),
    ],
)
def test_a_bad_line_of_a_patients_csv_is_named_and_nothing_is_imported(region, line, field, said):
    text = "external_id,name,state,address,phone,lat,lon\nMRN-1,Gus Petit,CO,,,39.72,-104.9\n" + line + "\n"
    answer = region.dispatcher.post(
        f"/v1/regions/{region.id}/patients/import", content=text, headers={"Content-Type": "text/csv"}
    )
    body = _problem(answer, 422, field)
    assert said in body["detail"]
    assert region.dispatcher.get(f"/v1/regions/{region.id}/patients").json() == []


def test_a_patients_csv_without_its_key_column_or_into_another_region_is_refused(region, other):
    url = f"/v1/regions/{region.id}/patients/import"
    _problem(region.dispatcher.post(url, content="name,state\nIda,CO\n", headers={"Content-Type": "text/csv"}), 422, "header")
    text = "external_id,name,state,lat,lon\nMRN-1,Ida,CO,39.7,-105\n"
    _problem(other.dispatcher.post(url, content=text, headers={"Content-Type": "text/csv"}), 404)
    assert region.dispatcher.get(f"/v1/regions/{region.id}/patients").json() == []


# ---------------------------------------------------------------- the visits CSV naming patients by MRN


def test_a_visits_csv_names_its_patients_by_external_id(region):
    jo = region.patient("Jo Amel", external_id="MRN-31")
    lu = region.patient("Lu Brand", external_id="MRN-32")
    text = (
        "patient_external_id,date,window_start,window_end,service\n"
        f"MRN-31,{DAY},09:00,11:00,hydration\nMRN-32,{DAY},10:00,12:00,myers\n"
    )
    answer = region.dispatcher.post(f"/v1/regions/{region.id}/visits/import", content=text, headers={"Content-Type": "text/csv"})
    assert answer.status_code == 201, answer.text
    visits = region.dispatcher.get(f"/v1/regions/{region.id}/visits", params={"date": str(DAY)}).json()
    assert sorted((v["patient_id"], v["service"]) for v in visits) == sorted([(jo["id"], "hydration"), (lu["id"], "myers")])


@pytest.mark.parametrize(
    ("row", "field", "said"),
    [
        ("MRN-404,", "line 3: patient_external_id", "no patient with external id 'MRN-404'"),
        ("MRN-31,{lu}", "line 3: patient_external_id", "external id 'MRN-31' is patient {jo}, not patient {lu}"),
        (",", "line 3: patient_id", "give the patient's patient_id or patient_external_id"),
        ("MRN-ELSEWHERE,", "line 3: patient_external_id", "no patient with external id 'MRN-ELSEWHERE'"),
    ],
)
def test_a_visits_csv_line_with_an_unknown_or_contradicted_external_id_is_named_and_nothing_imported(
    region, other, row, field, said
):
    jo = region.patient("Jo Amel", external_id="MRN-31")
    lu = region.patient("Lu Brand", external_id="MRN-32")
    other.patient("Elsewhere", external_id="MRN-ELSEWHERE", cleared=False)
    text = (
        "patient_external_id,patient_id,date,window_start,window_end,service\n"
        f"MRN-32,,{DAY},09:00,11:00,hydration\n" + row.format(jo=jo["id"], lu=lu["id"]) + f",{DAY},10:00,12:00,myers\n"
    )
    answer = region.dispatcher.post(f"/v1/regions/{region.id}/visits/import", content=text, headers={"Content-Type": "text/csv"})
    body = _problem(answer, 422, field)
    assert said.format(jo=jo["id"], lu=lu["id"]) in body["detail"]
    assert region.dispatcher.get(f"/v1/regions/{region.id}/visits", params={"date": str(DAY)}).json() == []


def test_a_visits_csv_with_no_patient_column_is_refused_naming_the_header(region):
    text = f"date,window_start,window_end,service\n{DAY},09:00,11:00,hydration\n"
    answer = region.dispatcher.post(f"/v1/regions/{region.id}/visits/import", content=text, headers={"Content-Type": "text/csv"})
    assert "patient_id or patient_external_id" in _problem(answer, 422, "header")["detail"]


def test_a_lost_temporary_password_is_replaced_by_her_dispatcher_until_she_chooses_her_own(region, base_url):
    gil = region.nurse("Gil Moreno", shift=None)
    username = unique("gil")
    url = f"/v1/nurses/{gil['id']}/account"
    first = region.dispatcher.post(url, json={"username": username}).json()["temporary_password"]
    nurse = login(base_url, username, first)
    assert nurse.get("/v1/me").json()["password_temporary"] is True
    # the slip is lost: asked again for her login, a new temporary password; the first and its tokens stop working
    again = region.dispatcher.post(url, json={"username": username})
    assert again.status_code == 201, again.text
    second = again.json()["temporary_password"]
    assert second != first
    assert nurse.get("/v1/me").status_code == 401
    assert nurse.post("/v1/auth/token", data={"username": username, "password": first}).status_code == 401
    nurse = login(base_url, username, second)
    changed = nurse.post("/v1/me/password", json={"current_password": second, "new_password": PASSWORD + "-gil"})
    assert changed.status_code == 200, changed.text
    mine = login(base_url, username, PASSWORD + "-gil")
    assert mine.get("/v1/me").json()["password_temporary"] is False
    # once she has chosen her own, her dispatcher cannot replace it (an admin resets a lost one)
    refused = _problem(region.dispatcher.post(url, json={"username": username}), 409, "username")
    assert "Gil Moreno already has the login" in refused["detail"] and "chosen her own password" in refused["detail"]
    assert mine.get("/v1/me").status_code == 200


@pytest.mark.parametrize("what", ["patients", "visits"])
def test_a_nul_character_in_an_imported_file_is_refused_naming_its_line_and_column(region, what):
    patient = region.patient("Jo Amel", external_id="MRN-81")
    text = {
        "patients": "external_id,name,state,lat,lon\nMRN-82,Ida\x00Ro,CO,39.7,-105\n",
        "visits": f"patient_external_id,date,window_start,window_end,service,notes\nMRN-81,{DAY},09:00,11:00,myers,a\x00b\n",
    }[what]
    answer = region.dispatcher.post(f"/v1/regions/{region.id}/{what}/import", content=text, headers={"Content-Type": "text/csv"})
    field = "line 2: name" if what == "patients" else "line 2: notes"
    assert "NUL" in _problem(answer, 422, field)["detail"]
    assert region.dispatcher.get(f"/v1/regions/{region.id}/visits", params={"date": str(DAY)}).json() == []
    assert [p["id"] for p in region.dispatcher.get(f"/v1/regions/{region.id}/patients").json()] == [patient["id"]]
