"""A NUL character (%00) in a request's path or query answers 400 in the error shape of its surface.

Before, every one of these API and OAI-PMH URLs was a server error on PostgreSQL, which refuses NUL in
text: the look-up of a record, an OAI-PMH identifier, a set, a resumption token, a name or title filter.
"""

import pytest

PATHS = [
    "/api/records/a%00b",
    "/api/records/a%00b/files",
    "/api/records/a%00b/cite?style=apa",
    "/api/records/?subject=a%00",
    "/api/people/?name=a%00b",
    "/api/journals/?title=a%00",
    "/api/stats/records/a%00b",
]
PAGES = ["/record/diva2:1%00", "/search/?q=a%00b"]
OAI = [
    "/oai?verb=GetRecord&identifier=oai:DiVA.org:his-24521%00&metadataPrefix=oai_dc",
    "/oai?verb=ListRecords&metadataPrefix=oai_dc&set=a%00",
    "/oai?verb=ListRecords&resumptionToken=a%00",
]


@pytest.mark.parametrize("url", PATHS)
def test_api_request_with_nul_answers_400_in_the_api_error_shape(client, db, url):
    response = client.get(url)

    assert response.status_code == 400
    assert response.json()["code"] == "invalid_input"
    assert "NUL character" in response.json()["error"]


@pytest.mark.parametrize("url", PAGES)
def test_page_request_with_nul_answers_400_error_page(client, db, url):
    response = client.get(url)

    assert response.status_code == 400
    assert "NUL character" in response.content.decode()


@pytest.mark.parametrize("url", OAI)
def test_oai_request_with_nul_answers_bad_argument(client, db, url):
    response = client.get(url)

    assert response.status_code == 200  # OAI-PMH reports errors in its response
    assert b'<error code="badArgument">' in response.content
    assert b"contains a NUL character" in response.content


def test_page_request_with_nul_answers_in_swedish_when_asked(client, db):
    response = client.get("/record/diva2:1%00", HTTP_ACCEPT_LANGUAGE="sv")

    assert response.status_code == 400
    assert "NUL-tecken" in response.content.decode()
