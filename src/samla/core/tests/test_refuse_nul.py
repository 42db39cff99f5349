"""A NUL character (%00) in an API request's path or query answers 400 in the API's error shape; in an
OAI-PMH argument, badArgument. (Pages answer it as any unknown id or odd query: test_views.)

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


@pytest.mark.parametrize("url", OAI)
def test_oai_request_with_nul_answers_bad_argument(client, db, url):
    response = client.get(url)

    assert response.status_code == 200  # OAI-PMH reports errors in its response
    assert b'<error code="badArgument">' in response.content
    assert b"contains a NUL character" in response.content
