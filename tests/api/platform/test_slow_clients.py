"""Slow and oversized request bodies: a client still sending holds no database connection; limits answer 413."""

from __future__ import annotations

import socket
import threading
import time
from urllib.parse import urlsplit

from api.request_body import MAX_BODY_BYTES
from dispatch.records.visits import MAX_IMPORT_BYTES
from tests.api.conftest import DAY, Region

SLOW_UPLOADS = 12  # more than NURSE_DISPATCH_POOL_SIZE (10)
TRICKLE_S = 8.0  # longer than the pool's wait for a connection (5 s), so held connections would show as 503s


def slow_upload(base_url: str, token: str, region_id: str, stop: threading.Event) -> None:
    """A CSV import whose body comes a byte a second, as the attack sent it."""
    address = urlsplit(base_url)
    with socket.create_connection((address.hostname, address.port), timeout=5) as sock:
        sock.sendall(
            (
                f"POST /v1/regions/{region_id}/visits/import HTTP/1.1\r\nHost: {address.netloc}\r\n"
                f"Authorization: Bearer {token}\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n\r\n"
            ).encode()
        )
        while not stop.wait(1.0):
            try:
                sock.sendall(b"p")
            except OSError:  # the server gave up on us: fine
                return


def test_slow_uploads_leave_readyz_and_other_regions_answering(base_url, admin, db, region):
    nurse = region.nurse_account(region.nurse()["id"])  # a nurse's token is enough for the attack
    token = nurse.headers["Authorization"].removeprefix("Bearer ")
    other = Region(base_url, admin, db)
    stop = threading.Event()
    attackers = [
        threading.Thread(target=slow_upload, args=(base_url, token, region.id, stop), daemon=True) for _ in range(SLOW_UPLOADS)
    ]
    for attacker in attackers:
        attacker.start()
    answers = []
    try:
        time.sleep(1.0)  # every upload has sent its headers and is trickling
        deadline = time.monotonic() + TRICKLE_S
        while time.monotonic() < deadline:
            started = time.monotonic()
            ready = other.dispatcher.get(f"{base_url}/readyz")
            listed = other.dispatcher.get(f"/v1/regions/{other.id}/visits", params={"date": str(DAY)})
            answers.append((ready.status_code, listed.status_code, time.monotonic() - started))
            time.sleep(0.5)
    finally:
        stop.set()
        for attacker in attackers:
            attacker.join(timeout=10)
    assert answers and all(r == 200 and v == 200 for r, v, _ in answers), answers
    slowest = max(s for _, _, s in answers)
    assert slowest < 2.0, answers
    print(
        f"\n{SLOW_UPLOADS} uploads at 1 byte/s: {len(answers)} rounds of /readyz + another region's visits,"
        f" all 200, slowest round {slowest:.2f} s"
    )


def test_a_json_body_over_the_limit_is_refused_with_413(region):
    patient = region.patient()
    padding = "x" * MAX_BODY_BYTES
    answer = region.dispatcher.post(
        "/v1/visits",
        json={
            "patient_id": patient["id"],
            "date": str(DAY),
            "notes": padding,
            "window": {"start": "09:00", "end": "12:00"},
            "service": "hydration",
        },
    )
    assert answer.status_code == 413, answer.text
    assert answer.headers["content-type"].startswith("application/problem+json")
    assert answer.json()["field"] == "body" and "1 MiB" in answer.json()["detail"]


def test_a_csv_import_over_its_limit_is_refused_with_413_but_one_over_the_json_limit_is_read(region):
    header = "patient_id,date,window_start,window_end,service,notes\n"
    too_large = header + "1,2026-12-01,09:00,12:00,hydration," + "x" * MAX_IMPORT_BYTES + "\n"
    answer = region.dispatcher.post(
        f"/v1/regions/{region.id}/visits/import", content=too_large, headers={"Content-Type": "text/csv"}
    )
    assert answer.status_code == 413, answer.text
    assert "5 MiB" in answer.json()["detail"]
    patient = region.patient()
    # 2 MiB of notes: past the JSON limit, within the CSV one; refused by the import's own rules, not its size.
    larger_than_json = header + f"{patient['id']},2026-12-01,09:00,12:00,hydration," + "x" * (2 * MAX_BODY_BYTES) + "\n"
    answer = region.dispatcher.post(
        f"/v1/regions/{region.id}/visits/import", content=larger_than_json, headers={"Content-Type": "text/csv"}
    )
    assert answer.status_code != 413, answer.text


def test_the_limits_are_in_the_openapi_document(base_url, admin):
    document = admin.get("/openapi.json").json()
    assert "413" in document["info"]["description"] and "1 MiB" in document["info"]["description"]
    assert "5000 rows" in document["paths"]["/v1/regions/{region_id}/visits/import"]["post"]["description"]
