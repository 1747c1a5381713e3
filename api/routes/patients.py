"""Patients of a region (every read is audited in dispatch.records.patients)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from starlette.concurrency import run_in_threadpool

from api.deps import AppServices, Conn, CurrentUser, IfMatch
from api.schemas.patients import PatientImportResult, PatientIn, PatientOut, PatientPatch
from dispatch.errors import InvalidField
from dispatch.records import patients
from dispatch.vocabulary import MAX_NAME_LENGTH

CSV_EXAMPLE = 'external_id,name,state,address,phone,notes\nMRN-004211,Jordan Lee,CO,"1437 Bannock St, Denver, CO 80202",,\n'
IMPORT_DESCRIPTION = (
    f"Columns: {', '.join(sorted(patients.REQUIRED_PATIENT_CSV_COLUMNS))} (required); address (geocoded) or lat and lon;"
    " phone, notes. Nothing is imported if any line is wrong (422 naming each). A line whose external id the region"
    " already has is that patient, left as she is: the same file imported twice adds nobody twice.\n\n"
    f"At most {patients.MAX_PATIENT_IMPORT_ROWS} rows (each new address is geocoded as the file is read)."
)

router = APIRouter(tags=["patients"])


@router.post("/v1/regions/{region_id}/patients", response_model=PatientOut, status_code=201)
def create_patient(region_id: str, body: PatientIn, conn: Conn, who: CurrentUser, services: AppServices) -> dict:
    """Add a patient to a region; the address is geocoded when no location is given."""
    return patients.add_patient(conn, who, services.geocoder, region_id, body.model_dump(exclude_unset=True))


@router.get("/v1/regions/{region_id}/patients", response_model=list[PatientOut])
def region_patients(
    region_id: str,
    conn: Conn,
    who: CurrentUser,
    search: Annotated[
        str | None, Query(max_length=MAX_NAME_LENGTH, description="part of her name, external id, phone or address")
    ] = None,
) -> list[dict]:
    """The region's patients by name, or those matching `search` (a read of patient data: audited)."""
    return patients.patients_in(conn, who, region_id, search)


@router.post(
    "/v1/regions/{region_id}/patients/import",
    response_model=PatientImportResult,
    status_code=201,
    description=IMPORT_DESCRIPTION,
    openapi_extra={
        "requestBody": {"required": True, "content": {"text/csv": {"schema": {"type": "string"}, "example": CSV_EXAMPLE}}}
    },
)
async def import_patients(region_id: str, request: Request, conn: Conn, who: CurrentUser, services: AppServices) -> dict:
    """Import patients from a CSV (text/csv) keyed by their external id (MRN): all new ones, or none."""
    if request.headers.get("content-type", "").split(";")[0].strip() not in ("text/csv", "text/plain"):
        raise InvalidField("send the file as text/csv", "content-type")
    raw = await request.body()  # already read, bounded in size and time, by api.request_body
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise InvalidField("the file is not UTF-8 text", "body") from None
    return await run_in_threadpool(patients.import_patients_csv, conn, who, services.geocoder, region_id, text)


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
