"""Content negotiation helpers the REST API uses on GET /api/records/{id}."""

import pytest
from django.test import RequestFactory

from samla.exports.errors import NotAcceptable
from samla.exports.http import negotiate, openapi_content, record_response
from samla.exports.registry import formats

from .conftest import expected

pytestmark = pytest.mark.django_db


def _request(accept: str | None):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    return RequestFactory().get("/api/records/diva2:1897829", **headers)


@pytest.mark.parametrize(("accept", "name"), [("application/x-bibtex", "bibtex"), ("text/csv", "csv")])
def test_negotiate_named_export_type_gives_its_format(accept, name):
    assert negotiate(_request(accept), default="application/json").name == name


@pytest.mark.parametrize("accept", [None, "application/json", "*/*", "text/html,*/*;q=0.8"])
def test_negotiate_json_or_anything_gives_none_for_the_default(accept):
    assert negotiate(_request(accept), default="application/json") is None


def test_negotiate_unknown_media_type_raises_406():
    with pytest.raises(NotAcceptable):
        negotiate(_request("application/msword"), default="application/json")


def test_record_response_inline_has_media_type_and_vary_but_no_attachment(seed):
    response = record_response(negotiate(_request("application/x-bibtex"), default="application/json"), seed)

    assert response["Content-Type"] == "application/x-bibtex; charset=utf-8"
    assert response["Vary"] == "Accept"
    assert not response.has_header("Content-Disposition")
    assert response.content.decode() == expected("diva2_1897829.bib")


def test_openapi_content_lists_every_format_media_type():
    assert list(openapi_content()) == [f.media_type for f in formats()]
