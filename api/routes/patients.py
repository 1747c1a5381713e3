"""Patients of a region (every read is audited in dispatch.records.patients)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response

from api.deps import AppServices, Conn, CurrentUser, IfMatch
from api.schemas.patients import PatientIn, PatientOut, PatientPatch
from dispatch.errors import InvalidField
from dispatch.records import patients

router = APIRouter(tags=["patients"])


def _columns(body: PatientIn | PatientPatch) -> dict[str, Any]:
    given = body.model_dump(exclude_unset=True)
    for required in ("name", "state", "notes", "evaluation_done", "preferred_nurse_ids", "excluded_nurse_ids"):
        if required in given and given[required] is None:
            raise InvalidField("cannot be null", required)
    location = given.pop("location", None)
    if location is not None:
        given |= {"lat": location["lat"], "lon": location["lon"]}
    if "state" in given and given["state"]:
        given["state"] = given["state"].upper()
    return given


def patient_out(row: dict) -> PatientOut:
    return PatientOut(**{k: row[k] for k in PatientOut.model_fields if k != "location"},
                      location={"lat": row["lat"], "lon": row["lon"]})


@router.post("/v1/regions/{region_id}/patients", response_model=PatientOut, status_code=201)
def create_patient(region_id: str, body: PatientIn, conn: Conn, who: CurrentUser, services: AppServices) -> PatientOut:
    return patient_out(patients.add_patient(conn, who, services.geocoder, region_id, _columns(body)))


@router.get("/v1/regions/{region_id}/patients", response_model=list[PatientOut])
def region_patients(region_id: str, conn: Conn, who: CurrentUser) -> list[PatientOut]:
    return [patient_out(row) for row in patients.patients_in(conn, who, region_id)]


@router.get("/v1/patients/{patient_id}", response_model=PatientOut)
def one_patient(patient_id: int, conn: Conn, who: CurrentUser, response: Response) -> PatientOut:
    out = patient_out(patients.patient(conn, who, patient_id))
    response.headers["ETag"] = f'"{out.version}"'
    return out


@router.patch("/v1/patients/{patient_id}", response_model=PatientOut)
def change_patient(patient_id: int, body: PatientPatch, conn: Conn, who: CurrentUser, services: AppServices,
                   version: IfMatch) -> PatientOut:
    return patient_out(patients.update_patient(conn, who, services.geocoder, patient_id, _columns(body), version))


@router.delete("/v1/patients/{patient_id}", status_code=204)
def delete_patient(patient_id: int, conn: Conn, who: CurrentUser) -> Response:
    patients.remove_patient(conn, who, patient_id)
    return Response(status_code=204)
