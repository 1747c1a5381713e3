"""Durations that learn: how long visits really take on site, suggested to the dispatcher, never applied.

From the session records (arrived → discharged, `done`), per service of a region and, once a patient
has had PATIENT_SESSIONS_TO_LEARN sessions of a service, per patient: the LEARNED_PERCENTILE-th
percentile of the minutes on site, with how many sessions it rests on. The dispatcher decides whether
to change a service's minutes or a visit's `duration_min` (docs/BENCHMARKS.md, "Learned durations").
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Sequence
from typing import Any

from dispatch.platform import audit
from dispatch.platform.access import Principal
from dispatch.platform.db import Db
from dispatch.records.regions import managed_region
from dispatch.sameday.reports import EFFECTIVE
from dispatch.vocabulary import LEARNED_PERCENTILE, PATIENT_SESSIONS_TO_LEARN


def percentile_minutes(minutes: Sequence[float], percentile: int = LEARNED_PERCENTILE) -> int:
    """The nearest-rank percentile, rounded up to a whole minute (a plan errs long rather than short)."""
    ranked = sorted(minutes)
    rank = max(1, math.ceil(percentile / 100 * len(ranked)))
    return math.ceil(ranked[rank - 1])


def suggested_minutes(
    fixed_min: int, service_sessions: Sequence[float], patient_sessions: Sequence[float], service_sessions_needed: int = 1
) -> tuple[int, str]:
    """The minutes to plan a visit with, and what they rest on: the patient's own sessions once there are enough,
    else the service's, else the fixed service time."""
    if len(patient_sessions) >= PATIENT_SESSIONS_TO_LEARN:
        return percentile_minutes(patient_sessions), "patient"
    if len(service_sessions) >= service_sessions_needed:
        return percentile_minutes(service_sessions), "service"
    return fixed_min, "fixed"


# Per visit of the region done with both times: minutes from her arrival (else the infusion's start) to discharge.
_SESSIONS = f"""
SELECT v.id, v.patient_id, v.service_code, p.name AS patient_name,
       extract(epoch FROM d.reported_at - coalesce(a.reported_at, s.reported_at)) / 60 AS minutes
FROM visits v
JOIN patients p ON p.id = v.patient_id
JOIN LATERAL (SELECT r.reported_at FROM visit_reports r WHERE r.visit_id = v.id AND r.kind = 'done' AND {EFFECTIVE}
              ORDER BY r.id DESC LIMIT 1) d ON true
LEFT JOIN LATERAL (SELECT r.reported_at FROM visit_reports r WHERE r.visit_id = v.id AND r.kind = 'arrived' AND {EFFECTIVE}
                   ORDER BY r.id DESC LIMIT 1) a ON true
LEFT JOIN LATERAL (SELECT r.reported_at FROM visit_reports r WHERE r.visit_id = v.id AND r.kind = 'started' AND {EFFECTIVE}
                   ORDER BY r.id DESC LIMIT 1) s ON true
WHERE v.region_id = %s AND v.status = 'done' AND coalesce(a.reported_at, s.reported_at) IS NOT NULL
  AND d.reported_at > coalesce(a.reported_at, s.reported_at)
"""


def learned_durations(conn: Db, who: Principal, region_id: str) -> dict[str, Any]:
    """Per service and per patient (after enough sessions), the suggested minutes on site; the read is audited."""
    managed_region(conn, who, region_id)
    sessions = conn.execute(_SESSIONS, [region_id]).fetchall()
    by_service: dict[str, list[float]] = defaultdict(list)
    by_patient: dict[tuple[int, str], list[float]] = defaultdict(list)
    names: dict[int, str] = {}
    for row in sessions:
        by_service[row["service_code"]].append(float(row["minutes"]))
        by_patient[(row["patient_id"], row["service_code"])].append(float(row["minutes"]))
        names[row["patient_id"]] = row["patient_name"]
    services = [
        {
            "service": st["code"],
            "name": st["name"],
            "planned_min": st["minutes"],
            "suggested_min": percentile_minutes(by_service[st["code"]]) if by_service[st["code"]] else None,
            "sessions": len(by_service[st["code"]]),
        }
        for st in conn.execute("SELECT code, name, minutes FROM service_types ORDER BY code")
    ]
    patients = [
        {
            "patient_id": patient_id,
            "patient_name": names[patient_id],
            "service": service,
            "suggested_min": percentile_minutes(minutes),
            "sessions": len(minutes),
        }
        for (patient_id, service), minutes in sorted(by_patient.items())
        if len(minutes) >= PATIENT_SESSIONS_TO_LEARN
    ]
    audit.record(conn, who, "read", f"region/{region_id}/durations", patients=[p["patient_id"] for p in patients])
    return {
        "region_id": region_id,
        "percentile": LEARNED_PERCENTILE,
        "patient_sessions_to_learn": PATIENT_SESSIONS_TO_LEARN,
        "services": services,
        "patients": patients,
    }
