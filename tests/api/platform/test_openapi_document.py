"""The OpenAPI document tells clients what they will really get: errors, headers, types, words."""

from __future__ import annotations

import httpx
import pytest

from dispatch.vocabulary import CERTIFICATIONS


@pytest.fixture(scope="module")
def document(base_url) -> dict:
    return httpx.get(f"{base_url}/openapi.json").json()


def _operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_says_what_it_does(document):
    assert [f"{m.upper()} {p}" for p, m, o in _operations(document) if not o.get("description")] == []


def test_every_error_an_operation_can_return_is_documented_as_problem_json(document):
    problem = {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}
    for path, method, operation in _operations(document):
        errors = {s: r for s, r in operation["responses"].items() if s[0] in "45"}
        assert all(r.get("content") == problem for r in errors.values()), (method, path)
        if path.startswith("/v1/"):
            assert "503" in errors, (method, path)
        if operation.get("security"):
            assert {"401", "403"} <= errors.keys(), (method, path)
        if "{" in path:
            assert "404" in errors, (method, path)
    assert {"type", "title", "status", "detail", "field", "errors"} <= document["components"]["schemas"]["Problem"][
        "properties"
    ].keys()
    assert "HTTPValidationError" not in document["components"]["schemas"]  # a body we never send


def test_if_match_is_a_documented_header_with_its_412(document):
    publish = document["paths"]["/v1/rosters/{roster_id}/publish"]["post"]
    header = next(p for p in publish["parameters"] if p["name"] == "If-Match")
    assert header["in"] == "header" and "412" in header["description"]
    assert "412" in publish["responses"]
    change = document["paths"]["/v1/patients/{patient_id}"]["patch"]
    assert any(p["name"] == "If-Match" for p in change["parameters"]) and "412" in change["responses"]


@pytest.mark.parametrize("path", ["/v1/rosters/{roster_id}/publish", "/v1/rosters/{roster_id}/moves"])
def test_a_roster_change_requires_if_match_and_documents_its_428(document, path):
    operation = document["paths"][path]["post"]
    header = next(p for p in operation["parameters"] if p["name"] == "If-Match")
    assert header["required"] is True
    assert {"412", "428"} <= operation["responses"].keys()
    assert "428" not in document["paths"]["/v1/patients/{patient_id}"]["patch"]["responses"]  # optional there


def test_a_rosters_kpis_and_changes_are_typed(document):
    schemas = document["components"]["schemas"]
    summary = schemas["RosterSummary"]["properties"]
    assert summary["kpis"] == {"$ref": "#/components/schemas/RosterTotals"}
    assert {"assigned", "unassigned", "unassigned_priority_weight", "total_travel_h"} <= schemas["RosterTotals"][
        "properties"
    ].keys()
    assert {"$ref": "#/components/schemas/PublishedChanges"} in summary["changes"]["anyOf"]


def test_the_certification_vocabulary_is_in_the_document(document):
    described = document["components"]["schemas"]["Certification"]["properties"]["name"]["description"]
    assert all(name in described for name in CERTIFICATIONS)


def test_a_published_rosters_answer_fits_its_typed_schema(region):
    region.nurse()
    region.visit(region.patient()["id"])
    roster = region.solved_roster()
    assert region.publish(roster).status_code == 200
    published = region.dispatcher.get(f"/v1/rosters/{roster['id']}").json()
    assert published["kpis"]["assigned"] == 1 and published["kpis"]["total_travel_h"] >= 0
    assert [n["added"] for n in published["changes"]["nurses"]] == [[int(roster["roster"]["routes"][0]["stops"][0]["visit_id"])]]
