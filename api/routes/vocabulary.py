"""The domain's words and numbers (statuses, transitions, report kinds, roles, bounds), for clients like the console.

Public: it holds no data, only rules the OpenAPI document already shows, and the login page may need it.
"""

from __future__ import annotations

from fastapi import APIRouter

from api.schemas.common import Vocabulary
from dispatch.vocabulary import vocabulary

router = APIRouter(tags=["vocabulary"])


@router.get("/v1/vocabulary", response_model=Vocabulary)
def domain_vocabulary() -> dict:
    """The domain's words and bounds (statuses and transitions, report kinds, roles, certifications, bounds); no login."""
    return vocabulary()
