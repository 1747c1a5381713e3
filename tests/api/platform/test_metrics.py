"""/metrics: Prometheus text with request latencies by route template, the solve queue and solve outcomes."""

from __future__ import annotations

import httpx
from prometheus_client.parser import text_string_to_metric_families


def scrape(base_url: str) -> dict[str, list]:
    """Every sample on /metrics, by family name."""
    answer = httpx.get(f"{base_url}/metrics", timeout=30)
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain")
    return {family.name: family.samples for family in text_string_to_metric_families(answer.text)}


def test_metrics_report_request_latencies_by_route_template_and_the_solves(base_url, region):
    region.nurse()
    region.visit(region.patient()["id"])
    region.visit(region.patient(name="Sam")["id"], window=("18:00", "19:00"))  # after the only shift ends
    job = region.wait(region.solve())
    assert job["state"] == "succeeded", job
    roster = region.dispatcher.get(f"/v1/rosters/{job['roster_id']}").json()
    assert roster["kpis"]["unassigned"] == 1
    assert httpx.get(f"{base_url}/no/such/path/secret-token-123").status_code == 404

    families = scrape(base_url)

    requests = families["nurse_dispatch_request_duration_seconds"]
    counts = {(s.labels["method"], s.labels["route"], s.labels["status"]): s.value for s in requests if s.name.endswith("_count")}
    assert counts[("GET", "/v1/jobs/{job_id}", "200")] >= 1
    assert counts[("POST", "/v1/regions/{region_id}/rosters/{day}/solve", "202")] >= 1
    assert counts[("GET", "/v1/rosters/{roster_id}", "200")] >= 1
    assert counts[("GET", "unmatched", "404")] >= 1
    routes = {s.labels["route"] for s in requests}
    templates = set(httpx.get(f"{base_url}/openapi.json", timeout=30).json()["paths"]) | {
        "/metrics",
        "/openapi.json",
        "unmatched",
        "/",
        "/console",
        "/console/config.json",
        "/docs",  # the API's own page (api/docs_page.py), not part of the API it documents
        "/docs/oauth2-redirect",
    }
    assert routes <= templates, routes - templates  # never a raw path, so never an id or a calendar token

    queue = {s.labels["state"]: s.value for s in families["nurse_dispatch_solve_jobs"]}
    assert set(queue) == {"queued", "running"} and all(depth >= 0 for depth in queue.values())

    solves = families["nurse_dispatch_solve_duration_seconds"]
    succeeded = {s.name: s.value for s in solves if s.labels.get("state") == "succeeded" and "le" not in s.labels}
    assert succeeded["nurse_dispatch_solve_duration_seconds_count"] >= 1
    assert succeeded["nurse_dispatch_solve_duration_seconds_sum"] > 0  # a 2 s limit: never instant
    buckets = [s.value for s in solves if s.labels.get("state") == "succeeded" and "le" in s.labels]
    assert buckets == sorted(buckets) and buckets[-1] == succeeded["nurse_dispatch_solve_duration_seconds_count"]

    unassigned_by_region = {s.labels["region"]: s.value for s in families["nurse_dispatch_unassigned_visits"]}
    assert unassigned_by_region[region.id] == 1
    assert [s.value for s in families["nurse_dispatch_database_up"]] == [1]


def test_metrics_are_not_in_the_openapi_document(base_url):
    assert "/metrics" not in httpx.get(f"{base_url}/openapi.json", timeout=30).json()["paths"]
