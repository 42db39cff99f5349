from django.http import HttpRequest
from ninja import Router, Schema

from samla.core.api_schemas import ErrorOut, PageMeta, PageNumber, PageSize, page_meta
from samla.core.views import actor_for

from .services import get_journal_for, list_journals

router = Router(tags=["journals"])


class JournalOut(Schema):
    id: int
    title: str
    kind: str
    issn: str | None
    eissn: str | None
    publisher: str
    url: str


class JournalPageOut(Schema):
    meta: PageMeta
    items: list[JournalOut]


def journal_out(request: HttpRequest, j) -> JournalOut:
    return JournalOut(
        id=j.pk,
        title=j.title,
        kind=j.kind,
        issn=j.issn,
        eissn=j.eissn,
        publisher=j.publisher,
        url=request.build_absolute_uri(j.get_absolute_url()),
    )


@router.get("/", response={200: JournalPageOut, 400: ErrorOut}, summary="List journals", auth=None)
def journals(request: HttpRequest, title: str = "", page: PageNumber = 1, size: PageSize = 50):
    result = list_journals(actor_for(request), title=title, page=page, size=size)
    meta = page_meta(result)
    return {"meta": meta, "items": [journal_out(request, j) for j in result.items]}


@router.get(
    "/{journal_id}",
    response={400: ErrorOut, 200: JournalOut, 404: ErrorOut},
    summary="Get one journal",
    auth=None,
)
def journal(request: HttpRequest, journal_id: int):
    return journal_out(request, get_journal_for(actor_for(request), journal_id))
