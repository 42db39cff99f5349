from django.http import HttpRequest
from ninja import Router, Schema

from samla.core.api_schemas import ErrorOut, PageMeta, PageNumber, PageSize, page_meta
from samla.core.views import actor_for

from .services import get_person_for, list_people

router = Router(tags=["people"])


class PersonOut(Schema):
    id: int
    family_name: str
    given_name: str
    orcid: str | None
    local_id: str | None
    authority_id: str | None
    birth_year: int | None
    name_variants: list[str]
    url: str


class PersonPageOut(Schema):
    meta: PageMeta
    items: list[PersonOut]


def person_out(request: HttpRequest, person) -> PersonOut:
    return PersonOut(
        id=person.pk,
        family_name=person.family_name,
        given_name=person.given_name,
        orcid=person.orcid,
        local_id=person.local_id,
        authority_id=person.authority_id,
        birth_year=person.birth_year,
        name_variants=[str(v) for v in person.name_variants.all()],
        url=request.build_absolute_uri(person.get_absolute_url()),
    )


@router.get("/", response={200: PersonPageOut, 400: ErrorOut}, summary="List people", auth=None)
def people(request: HttpRequest, name: str = "", page: PageNumber = 1, size: PageSize = 50):
    result = list_people(actor_for(request), name=name, page=page, size=size)
    result_items = [person_out(request, p) for p in result.items]
    meta = page_meta(result)
    return {"meta": meta, "items": result_items}


@router.get(
    "/{person_id}",
    response={400: ErrorOut, 200: PersonOut, 404: ErrorOut},
    summary="Get one person",
    auth=None,
)
def person(request: HttpRequest, person_id: int):
    return person_out(request, get_person_for(actor_for(request), person_id))
