"""A patient's pre-treatment evaluations: a clinician records outcomes; her clearance is derived from them."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import Conn, CurrentUser
from api.schemas.evaluations import EvaluationIn, EvaluationOut
from dispatch.clinical import evaluations

router = APIRouter(tags=["evaluations"])


@router.get("/v1/patients/{patient_id}/evaluations", response_model=list[EvaluationOut])
def patient_evaluations(patient_id: int, conn: Conn, who: CurrentUser) -> list[dict]:
    """The patient's evaluation records, newest first, and so her clearance (her region's clinicians and dispatchers; audited)."""
    return evaluations.evaluations_of(conn, who, patient_id)


@router.post("/v1/patients/{patient_id}/evaluations", response_model=EvaluationOut, status_code=201)
def record_evaluation(patient_id: int, body: EvaluationIn, conn: Conn, who: CurrentUser) -> dict:
    """A clinician (a prescriber) of the patient's region records what an evaluation found."""
    return evaluations.record_evaluation(conn, who, patient_id, body.model_dump())
