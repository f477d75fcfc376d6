"""An Open311 GeoReport v2 subset, for intake systems that already speak it.

Requests posted here are stored and triaged like /v1/triage; Open311 has no household, so
``account_id`` is taken as the household's source id (pseudonymised on arrival). Answers
carry no free text and no household: only what a resident may see of their request.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException
from pydantic import BaseModel, ConfigDict, Field

from features.vocabulary import SERVICE_LABELS
from serving.api.deps import AUTH_ERRORS, NOT_FOUND, IntakeCaller, State
from serving.api.triage import IdempotencyKey, run_triage
from serving.intake import service_label
from serving.schemas import (
    Channel,
    RequestText,
    Service,
    SourceId,
    TriageRequest,
    as_local_aware,
)

router = APIRouter(prefix="/open311/v2", tags=["open311"], responses=AUTH_ERRORS | NOT_FOUND)


class Open311Service(BaseModel):
    service_code: str
    service_name: str
    description: str
    metadata: bool = False
    type: str = "realtime"
    keywords: str = ""
    group: str = "services"


class Open311Post(BaseModel):
    model_config = ConfigDict(extra="forbid")

    description: RequestText
    account_id: SourceId
    service_code: Service | None = Field(
        None, description="Service suggéré par le demandeur ; le tri décide."
    )
    channel: Channel = Channel.application


class Open311Receipt(BaseModel):
    service_request_id: str
    service_notice: str
    account_id: None = None


class Open311Request(BaseModel):
    service_request_id: str
    status: str
    service_code: str
    service_name: str
    requested_datetime: str
    updated_datetime: str
    expected_datetime: str | None
    agency_responsible: str | None


@router.get("/services.json", response_model=list[Open311Service], summary="Services")
def services() -> list[Open311Service]:
    return [
        Open311Service(service_code=code, service_name=label, description=label)
        for code, label in SERVICE_LABELS.items()
    ]


@router.post("/requests.json", response_model=list[Open311Receipt], summary="Déposer une demande")
async def post_request(
    form: Annotated[Open311Post, Form()],
    state: State,
    principal: IntakeCaller,
    key: IdempotencyKey = None,
) -> list[Open311Receipt]:
    request = TriageRequest(
        household_source_id=form.account_id, channel=form.channel, description=form.description
    )
    (answer,) = await run_triage(state, principal, [request], key, form, None, source="open311")
    notice = (
        f"Votre demande a été transmise au service « {answer['route']['label']} »."
        if not answer["route"]["abstained"]
        else "Votre demande a été transmise à l'accueil général, qui l'orientera."
    )
    return [Open311Receipt(service_request_id=answer["request_id"], service_notice=notice)]


@router.get(
    "/requests/{request_id}.json", response_model=list[Open311Request], summary="Une demande"
)
def get_request(request_id: str, state: State, _: IntakeCaller) -> list[Open311Request]:
    row = state.store.request(request_id)
    if row is None:
        raise HTTPException(404, "Demande introuvable.")
    code = row["service_code"] or row["routed_service"] or "accueil_general"
    return [
        Open311Request(
            service_request_id=row["service_request_id"],
            status=row["status"],
            service_code=code,
            service_name=service_label(code),
            requested_datetime=as_local_aware(row["requested_datetime"]).isoformat(),
            updated_datetime=as_local_aware(row["updated_datetime"]).isoformat(),
            expected_datetime=(
                as_local_aware(row["expected_datetime"]).isoformat()
                if row["expected_datetime"]
                else None
            ),
            agency_responsible=row["agency_responsible"],
        )
    ]
