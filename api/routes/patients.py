"""Patients of a region (every read is audited in dispatch.records.patients)."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import AppServices, Conn, CurrentUser, IfMatch
from api.schemas.patients import PatientIn, PatientOut, PatientPatch
from dispatch.records import patients

router = APIRouter(tags=["patients"])


@router.post("/v1/regions/{region_id}/patients", response_model=PatientOut, status_code=201)
def create_patient(region_id: str, body: PatientIn, conn: Conn, who: CurrentUser, services: AppServices) -> dict:
    """Add a patient to a region; the address is geocoded when no location is given."""
    return patients.add_patient(conn, who, services.geocoder, region_id, body.model_dump(exclude_unset=True))


@router.get("/v1/regions/{region_id}/patients", response_model=list[PatientOut])
def region_patients(region_id: str, conn: Conn, who: CurrentUser) -> list[dict]:
    """The region's patients (a read of patient data: audited)."""
    return patients.patients_in(conn, who, region_id)


@router.get("/v1/patients/{patient_id}", response_model=PatientOut)
def one_patient(patient_id: int, conn: Conn, who: CurrentUser, response: Response) -> dict:
    """One patient with her clearance today (audited); its `version` is the `If-Match` for a change."""
    out = patients.patient(conn, who, patient_id)
    response.headers["ETag"] = f'"{out["version"]}"'
    return out


@router.patch("/v1/patients/{patient_id}", response_model=PatientOut)
def change_patient(
    patient_id: int, body: PatientPatch, conn: Conn, who: CurrentUser, services: AppServices, version: IfMatch
) -> dict:
    """Change the fields given; others stay as they are (a concurrent change of another field is kept). `If-Match` is honoured."""
    return patients.update_patient(conn, who, services.geocoder, patient_id, body.given(), version)


@router.delete("/v1/patients/{patient_id}", status_code=204)
def delete_patient(patient_id: int, conn: Conn, who: CurrentUser) -> Response:
    """Delete a patient with no visits; otherwise 409 (her history stays with the visits)."""
    patients.remove_patient(conn, who, patient_id)
    return Response(status_code=204)
