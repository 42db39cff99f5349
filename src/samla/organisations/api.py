from django.http import HttpRequest
from ninja import Router, Schema

from samla.core.api_schemas import ErrorOut, PageMeta, PageNumber, PageSize, page_meta
from samla.core.views import actor_for

from .services import get_organisation_for, list_organisations

router = Router(tags=["organisations"])


class OrganisationOut(Schema):
    id: int
    identifier: str | None
    name_en: str
    name_sv: str
    kind: str
    parent_id: int | None
    country: str
    ror: str
    url: str


class OrganisationDetailOut(OrganisationOut):
    sub_units: list[OrganisationOut]


class OrganisationPageOut(Schema):
    meta: PageMeta
    items: list[OrganisationOut]


def organisation_out(request: HttpRequest, o) -> dict:
    return {
        "id": o.pk,
        "identifier": o.identifier,
        "name_en": o.name_en,
        "name_sv": o.name_sv,
        "kind": o.kind,
        "parent_id": o.parent_id,
        "country": o.country,
        "ror": o.ror,
        "url": request.build_absolute_uri(o.get_absolute_url()),
    }


@router.get("/", response={200: OrganisationPageOut, 400: ErrorOut}, summary="List organisations", auth=None)
def organisations(request: HttpRequest, top_level: bool = False, page: PageNumber = 1, size: PageSize = 50):
    result = list_organisations(actor_for(request), top_level=top_level, page=page, size=size)
    meta = page_meta(result)
    return {"meta": meta, "items": [organisation_out(request, o) for o in result.items]}


@router.get(
    "/{organisation_id}",
    response={400: ErrorOut, 200: OrganisationDetailOut, 404: ErrorOut},
    summary="Get one",
    auth=None,
)
def organisation(request: HttpRequest, organisation_id: int):
    o = get_organisation_for(actor_for(request), organisation_id)
    return {**organisation_out(request, o), "sub_units": [organisation_out(request, s) for s in o.sub_units]}
