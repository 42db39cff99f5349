"""The OAI-PMH 2.0 endpoint: one URL, six verbs, GET and POST, XML built with lxml.

Each record of GetRecord, ListRecords and ListIdentifiers is its `<record>` (or `<header>`) element as
text, kept between harvests by `exports.rendered` and written again only when stale; the envelope is
built with lxml around a marker that the texts replace.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from lxml import etree

from samla.exports.registry import Format, formats
from samla.exports.rendered import Head, Renderer, item_texts

from . import services
from .protocol import OaiError, OaiRequest, parse_range, parse_request
from .sets import SetIndex
from .tokens import ListState, make_token, read_token

OAI = "http://www.openarchives.org/OAI/2.0/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
# Where the records' texts go in the serialized envelope: a comment, which no echoed argument or token
# can spell (their "<" is escaped).
RECORDS_MARKER = "samla-oai-records"
OAI_SCHEMA = "http://www.openarchives.org/OAI/2.0/ http://www.openarchives.org/OAI/2.0/OAI-PMH.xsd"
ID_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
ID_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"


def E(parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
    element = etree.SubElement(parent, f"{{{OAI}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element


@csrf_exempt
def endpoint(request: HttpRequest) -> HttpResponse:
    """Answer a protocol request; protocol errors are answered in the envelope with HTTP 200."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    params = request.POST if request.method == "POST" else request.GET
    root = _envelope()
    E(root, "responseDate", services.format_datestamp(timezone.now()))
    request_element = E(root, "request", base_url())
    texts: list[str] | None = None
    try:
        oai_request = parse_request(params)
        for name, value in oai_request.arguments.items():
            request_element.set(name, value)
        request_element.set("verb", oai_request.verb)
        texts = HANDLERS[oai_request.verb](root, oai_request)
    except OaiError as error:
        if error.code in ("badVerb", "badArgument"):
            request_element.attrib.clear()  # the specification: echo only the base URL then
        E(root, "error", error.message, code=error.code)
    body = etree.tostring(root, xml_declaration=True, encoding="UTF-8")
    if texts is not None:
        body = body.replace(f"<!--{RECORDS_MARKER}-->".encode(), "".join(texts).encode(), 1)
    return HttpResponse(body, content_type="text/xml; charset=utf-8")


def _envelope() -> etree._Element:
    root = etree.Element(f"{{{OAI}}}OAI-PMH", nsmap={None: OAI, "xsi": XSI})
    root.set(f"{{{XSI}}}schemaLocation", OAI_SCHEMA)
    return root


def base_url() -> str:
    return settings.BASE_URL + "/oai"


def oai_formats() -> dict[str, Format]:
    return {f.oai.prefix: f for f in formats() if f.oai is not None}


def _format(prefix: str) -> Format:
    found = oai_formats().get(prefix)
    if found is None:
        raise OaiError("cannotDisseminateFormat", f"This repository does not offer {prefix[:100]!r}.")
    return found


# ---------------------------------------------------------------- verbs


def identify(root: etree._Element, _request: OaiRequest) -> None:
    identify_element = E(root, "Identify")
    E(identify_element, "repositoryName", settings.REPOSITORY_NAME)
    E(identify_element, "baseURL", base_url())
    E(identify_element, "protocolVersion", "2.0")
    E(identify_element, "adminEmail", settings.ADMIN_EMAIL)
    E(identify_element, "earliestDatestamp", services.format_datestamp(services.earliest_datestamp()))
    E(identify_element, "deletedRecord", "persistent")
    E(identify_element, "granularity", "YYYY-MM-DDThh:mm:ssZ")
    description = E(identify_element, "description")
    identifier = etree.SubElement(description, f"{{{ID_NS}}}oai-identifier", nsmap={None: ID_NS})
    identifier.set(f"{{{XSI}}}schemaLocation", ID_SCHEMA)
    for name, text in (
        ("scheme", "oai"),
        ("repositoryIdentifier", services.repository_identifier()),
        ("delimiter", ":"),
        ("sampleIdentifier", f"oai:{services.repository_identifier()}:diva2:1897829"),
    ):
        etree.SubElement(identifier, f"{{{ID_NS}}}{name}").text = text


def list_metadata_formats(root: etree._Element, request: OaiRequest) -> None:
    if request.get("identifier") is not None:
        services.head_by_identifier(request.get("identifier"))
    available = oai_formats()
    if not available:
        raise OaiError("noMetadataFormats", "This repository offers no metadata formats.")
    listing = E(root, "ListMetadataFormats")
    for prefix, fmt in available.items():
        element = E(listing, "metadataFormat")
        E(element, "metadataPrefix", prefix)
        E(element, "schema", fmt.oai.schema)
        E(element, "metadataNamespace", fmt.oai.namespace)


def list_sets(root: etree._Element, request: OaiRequest) -> None:
    if request.get("resumptionToken") is not None:
        raise OaiError("badResumptionToken", "ListSets answers in one response; there is nothing to resume.")
    listing = E(root, "ListSets")
    for oai_set in SetIndex().all_sets():
        element = E(listing, "set")
        E(element, "setSpec", oai_set.spec)
        E(element, "setName", oai_set.name)
        if oai_set.description:
            _set_description(E(element, "setDescription"), oai_set.description)


def _set_description(parent: etree._Element, text: str) -> None:
    dc_ns, oai_dc_ns = "http://purl.org/dc/elements/1.1/", "http://www.openarchives.org/OAI/2.0/oai_dc/"
    container = etree.SubElement(parent, f"{{{oai_dc_ns}}}dc", nsmap={"oai_dc": oai_dc_ns, "dc": dc_ns})
    container.set(f"{{{XSI}}}schemaLocation", f"{oai_dc_ns} http://www.openarchives.org/OAI/2.0/oai_dc.xsd")
    etree.SubElement(container, f"{{{dc_ns}}}description").text = text


def get_record(root: etree._Element, request: OaiRequest) -> list[str]:
    fmt = _format(request.get("metadataPrefix"))
    head = services.head_by_identifier(request.get("identifier"))
    E(root, "GetRecord").append(etree.Comment(RECORDS_MARKER))
    return _texts([head], fmt)


def list_identifiers(root: etree._Element, request: OaiRequest) -> list[str]:
    return _list(root, request, with_metadata=False)


def list_records(root: etree._Element, request: OaiRequest) -> list[str]:
    return _list(root, request, with_metadata=True)


def _list(root: etree._Element, request: OaiRequest, *, with_metadata: bool) -> list[str]:
    state = _list_state(request)
    fmt = _format(state.prefix)
    sets = SetIndex()
    dates = parse_range(state.start, state.until)
    set_filter = sets.filter_for(state.set_spec) if state.set_spec else Q()
    total = state.total if state.total >= 0 else services.selection(dates, set_filter).count()
    after = (
        (dt.datetime.fromisoformat(state.after_datestamp), state.after_id) if state.after_datestamp else None
    )
    page, more = services.page_after(dates, set_filter, after)
    if not page:
        raise OaiError("noRecordsMatch", "No records match the request.")
    listing = E(root, request.verb)
    listing.append(etree.Comment(RECORDS_MARKER))
    token = E(listing, "resumptionToken", completeListSize=str(total), cursor=str(state.cursor))
    if more:
        token.text = make_token(_next_state(state, total, page))
    elif state.cursor == 0:
        listing.remove(token)  # a complete list in one response carries no token
    return _texts(page, fmt if with_metadata else None, sets)


def _next_state(state: ListState, total: int, page: list[Head]) -> ListState:
    last_pk, last_datestamp, _ = page[-1]
    return ListState(
        verb=state.verb,
        prefix=state.prefix,
        start=state.start,
        until=state.until,
        set_spec=state.set_spec,
        after_datestamp=last_datestamp.isoformat(),
        after_id=last_pk,
        cursor=state.cursor + len(page),
        total=total,
    )


def _list_state(request: OaiRequest) -> ListState:
    token = request.get("resumptionToken")
    if token is not None:
        return read_token(token, request.verb)
    return ListState(
        verb=request.verb,
        prefix=request.get("metadataPrefix"),
        start=request.get("from"),
        until=request.get("until"),
        set_spec=request.get("set"),
        after_datestamp="",
        after_id=0,
        cursor=0,
        total=-1,
    )


def _header(parent: etree._Element, record, sets: SetIndex) -> None:
    header = E(parent, "header")
    if record.state == "withdrawn":
        header.set("status", "deleted")
    E(header, "identifier", services.oai_identifier(record))
    E(header, "datestamp", services.format_datestamp(record.datestamp))
    for spec in sets.specs_of(record):
        E(header, "setSpec", spec)


def _texts(heads: list[Head], fmt: Format | None, sets: SetIndex | None = None) -> list[str]:
    """The `<record>` texts of `heads` in `fmt`, or their `<header>` texts when `fmt` is None."""
    key = f"oai:{fmt.oai.prefix}" if fmt else "oai-header"
    return item_texts(key, heads, _renderer(fmt, sets or SetIndex()))


def _renderer(fmt: Format | None, sets: SetIndex) -> Renderer:
    """Loads records and writes each as the text it has inside the envelope: built under an envelope
    root of its own and cut out of it, so it declares no namespace the envelope already declares."""

    def render(pks: list[int]) -> dict[int, str]:
        texts = {}
        for record in services.load_records(pks):
            root = _envelope()
            if fmt is None:
                _header(root, record, sets)
            else:
                _record(root, record, fmt, sets)
            text = etree.tostring(root, encoding="unicode")
            texts[record.pk] = text[text.index(">") + 1 : text.rindex("</")]
        return texts

    return render


def _record(parent: etree._Element, record, fmt: Format, sets: SetIndex) -> None:
    element = E(parent, "record")
    _header(element, record, sets)
    if record.state != "withdrawn":
        E(element, "metadata").append(fmt.write(record))


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}
