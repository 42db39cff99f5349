"""IdP metadata read from a URL, as a federation publishes it: used when its signature verifies with the
configured certificate; refused, and SAML sign-in out of order with a 503 saying so, when it is signed by
another key or not signed at all. The test IdP serves its metadata signed over HTTP."""

from __future__ import annotations

import logging

import pytest
from tests.idp.saml_idp import serving_idp

pytestmark = pytest.mark.django_db


@pytest.fixture
def idp_url(saml_sp, settings):
    settings.SAML_METADATA_REFRESH_SECONDS = 0  # read the metadata again for each request
    with serving_idp(saml_sp, int(saml_sp.base.rsplit(":", 1)[1])):
        yield saml_sp.base + "/idp/metadata"


def test_signed_metadata_from_a_url_is_used(saml_sp, idp_url, settings, client):
    settings.SAML_IDP_METADATA = [idp_url]
    settings.SAML_IDP_METADATA_CERT = str(saml_sp.cert_file)
    response = client.get("/saml2/login/")
    assert response.status_code == 302
    assert response["Location"].startswith(saml_sp.base + "/idp/sso?SAMLRequest=")


@pytest.mark.parametrize("source", ["/idp/metadata", "/idp/metadata?unsigned"])
def test_metadata_not_signed_by_the_configured_key_is_refused(
    saml_sp, idp_url, settings, client, sp_keys, caplog, source
):
    settings.SAML_IDP_METADATA = [saml_sp.base + source]
    settings.SAML_IDP_METADATA_CERT = str(sp_keys[1] if "unsigned" not in source else saml_sp.cert_file)
    with caplog.at_level(logging.ERROR, logger="samla.sso"):
        response = client.get("/saml2/login/")
    assert response.status_code == 503
    assert "not available just now" in response.content.decode()
    assert "metadata" in caplog.text
