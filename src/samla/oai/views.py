"""The OAI-PMH 2.0 endpoint: one URL, six verbs, GET and POST, XML built with lxml.

The records of GetRecord, ListRecords and ListIdentifiers come as texts (`oai.texts`), put into the
serialized envelope where a marker comment stands.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import Q
from django.http import HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt
from lxml import etree

from samla.exports.registry import Format
from samla.exports.rendered import Head

from . import services
from .protocol import OaiError, OaiRequest, parse_range, parse_request
from .sets import SetIndex
from .texts import RECORDS_MARKER, XSI, E, envelope, oai_formats, record_texts
from .tokens import ListState, make_token, read_token

ID_NS = "http://www.openarchives.org/OAI/2.0/oai-identifier"
ID_SCHEMA = "http://www.openarchives.org/OAI/2.0/oai-identifier http://www.openarchives.org/OAI/2.0/oai-identifier.xsd"


@csrf_exempt
def endpoint(request: HttpRequest) -> HttpResponse:
    """Answer a protocol request; protocol errors are answered in the envelope with HTTP 200."""
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    params = request.POST if request.method == "POST" else request.GET
    root = envelope()
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


def base_url() -> str:
    return settings.BASE_URL + "/oai"


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
    return record_texts([head], fmt)


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
    return record_texts(page, fmt if with_metadata else None, sets)


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


HANDLERS = {
    "Identify": identify,
    "ListMetadataFormats": list_metadata_formats,
    "ListSets": list_sets,
    "GetRecord": get_record,
    "ListIdentifiers": list_identifiers,
    "ListRecords": list_records,
}
