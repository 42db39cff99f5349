"""The one content negotiation (`preferred_type`, on Django's `request.accepted_types`) and the export
responses the record URL and GET /api/records/{id} answer with."""

import pytest
from django.test import RequestFactory

from samla.exports.errors import NotAcceptable
from samla.exports.http import bare_type, negotiate, openapi_content, preferred_type, record_response
from samla.exports.registry import formats, get_format

from .conftest import expected

pytestmark = pytest.mark.django_db


def _request(accept: str | None):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    return RequestFactory().get("/api/records/diva2:1897829", **headers)


OFFERED = ["application/x-alpha", "text/x-beta"]


@pytest.mark.parametrize(
    ("accept", "chosen"),
    [
        ("application/x-alpha", "application/x-alpha"),
        ("text/x-beta;q=0.5, application/x-alpha;q=0.4", "text/x-beta"),
        ("application/x-alpha;q=0.4, text/x-beta;q=0.5", "text/x-beta"),
        ("application/x-alpha, text/x-beta", "application/x-alpha"),
        ("application/json;q=0.1, APPLICATION/X-ALPHA", "application/x-alpha"),
        ("application/json, application/x-alpha", None),
        ("application/json;q=0.9, application/x-alpha", "application/x-alpha"),
        ("*/*", None),
        ("", None),
        (None, None),
        ("application/*", None),
        ("text/html, */*;q=0.8", None),
        ("application/x-alpha;q=0, */*;q=0.1", None),
        ("text/x-beta;q=0.9, */*", None),
    ],
)
def test_preferred_type_picks_highest_quality_named_type_default_wins_ties(accept, chosen):
    wanted = preferred_type(_request(accept), OFFERED, default="application/json")
    assert (bare_type(wanted) if wanted else None) == chosen


def test_preferred_type_keeps_the_parameters_of_the_range():
    wanted = preferred_type(_request("text/x-beta; style=ieee; locale=sv-SE"), OFFERED, default="text/html")
    assert bare_type(wanted) == "text/x-beta" and wanted.range_params == {"style": "ieee", "locale": "sv-SE"}


@pytest.mark.parametrize(
    "accept", ["text/html", "application/x-alpha;q=0, text/html", "application/x-unknown"]
)
def test_preferred_type_nothing_acceptable_raises_406_naming_what_is(accept):
    with pytest.raises(NotAcceptable) as raised:
        preferred_type(_request(accept), OFFERED, default="application/json")
    assert raised.value.status == 406
    assert raised.value.data["acceptable"] == ["application/json", *OFFERED]


@pytest.mark.parametrize(("accept", "name"), [("application/x-bibtex", "bibtex"), ("text/csv", "csv")])
def test_negotiate_named_export_type_gives_its_media_type(accept, name):
    assert bare_type(negotiate(_request(accept), default="application/json")) == accept


@pytest.mark.parametrize("accept", [None, "application/json", "*/*", "text/html,*/*;q=0.8"])
def test_negotiate_json_or_anything_gives_none_for_the_default(accept):
    assert negotiate(_request(accept), default="application/json") is None


def test_negotiate_unknown_media_type_raises_406():
    with pytest.raises(NotAcceptable):
        negotiate(_request("application/msword"), default="application/json")


def test_record_response_inline_has_media_type_and_vary_but_no_attachment(seed):
    response = record_response(get_format("bibtex"), seed)

    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Vary"] == "Accept"
    assert not response.has_header("Content-Disposition")
    assert response.content.decode() == expected("diva2_1897829.bib")


def test_openapi_content_lists_every_format_media_type():
    assert list(openapi_content()) == [f.media_type for f in formats()]
