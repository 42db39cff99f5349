"""The SAML 2.0 service provider's configuration, built from the settings for djangosaml2 (its
`SAML_CONFIG_LOADER`), and the identity providers it knows.

Reading a federation's metadata (SWAMID's aggregate holds thousands of entities) costs seconds, so a
server process keeps the configuration it built for `SAML_METADATA_REFRESH_SECONDS`.
"""

from __future__ import annotations

import logging
import shutil
import threading
import time
from typing import Any

import requests
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils import translation
from django.utils.translation import gettext
from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, SAMLError
from saml2.config import SPConfig
from saml2.mdstore import MetaDataExtern, SourceNotFound
from saml2.saml import NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT
from saml2.sigver import SignatureError
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from samla.core.errors import SamlaError

from .keys import ensure_key_pair

logger = logging.getLogger("samla.sso")
_lock = threading.Lock()
_cached: dict[str, Any] = {"config": None, "built": 0.0, "key": None}


def enabled() -> bool:
    """SAML sign-in is offered when at least one IdP's metadata is configured."""
    return bool(settings.SAML_IDP_METADATA)


def sp_config(request: HttpRequest | None = None) -> SPConfig:
    """The SP configuration (djangosaml2 calls this for every SAML request); rebuilt when the
    settings changed or the metadata is older than its refresh time."""
    key = _settings_key()
    with _lock:
        fresh = time.monotonic() - _cached["built"] < settings.SAML_METADATA_REFRESH_SECONDS
        if _cached["config"] is None or _cached["key"] != key or not fresh:
            _cached["config"] = _build()
            _cached["built"] = time.monotonic()
            _cached["key"] = key
        return _cached["config"]


def identity_providers() -> dict[str, str]:
    """Entity id → display name of every IdP in the metadata, in the reader's language where the
    metadata has it, sorted by name."""
    config = sp_config()
    languages = list(dict.fromkeys([translation.get_language() or "en", "en", "sv"]))
    names = {
        entity_id: _display_name(config, entity_id, languages)
        for entity_id in config.metadata.identity_providers()
    }
    return dict(sorted(names.items(), key=lambda item: item[1].casefold()))


def _display_name(config: SPConfig, entity_id: str, languages: list[str]) -> str:
    """The IdP's mdui:DisplayName, else its organisation's display name, else its entity id."""
    for language in [*languages, None]:
        for name in config.metadata.mdui_uiinfo_display_name(entity_id, langpref=language):
            if name:
                return str(name)
    for language in languages:
        if name := config.metadata.name(entity_id, langpref=language):
            return str(name)
    return entity_id


def _settings_key() -> tuple:
    return (
        tuple(settings.SAML_IDP_METADATA),
        settings.SAML_IDP_METADATA_CERT,
        settings.SAML_ENTITY_ID,
        str(settings.SAML_KEY_FILE),
        str(settings.SAML_CERT_FILE),
        settings.BASE_URL,
    )


def _build() -> SPConfig:
    xmlsec = shutil.which("xmlsec1")
    if xmlsec is None:
        raise ImproperlyConfigured("SAML sign-in needs the xmlsec1 program (Debian package xmlsec1)")
    host = settings.BASE_URL.split("://", 1)[-1].split("/", 1)[0].split(":", 1)[0]
    ensure_key_pair(settings.SAML_KEY_FILE, settings.SAML_CERT_FILE, host)
    config = SPConfig()
    try:
        config.load(_config_dict(xmlsec))
    except (SourceNotFound, SignatureError, requests.RequestException, OSError, SAMLError) as error:
        logger.error("cannot read the identity providers' metadata: %s", error)
        raise MetadataUnavailable(_unavailable()) from None
    _require_signed_remote_metadata(config)
    return config


def _require_signed_remote_metadata(config: SPConfig) -> None:
    """pysaml2 checks a signature on remote metadata when it has the certificate, but takes metadata
    with no signature at all; with SAMLA_SAML_IDP_METADATA_CERT set, unsigned metadata is refused too."""
    if not settings.SAML_IDP_METADATA_CERT:
        return
    for source, metadata in config.metadata.metadata.items():
        if isinstance(metadata, MetaDataExtern) and not metadata.signed():
            logger.error("refused the identity providers' metadata from %s: it is not signed", source)
            raise MetadataUnavailable(_unavailable())


class MetadataUnavailable(SamlaError):
    """The IdPs' metadata cannot be read or trusted: SAML sign-in is out of order until it can."""

    code = "saml_metadata_unavailable"
    status = 503


def _unavailable() -> str:
    return gettext("Sign-in with your university is not available just now; please try again later.")


def _metadata_sources() -> dict[str, list]:
    local, remote = [], []
    for source in settings.SAML_IDP_METADATA:
        if source.startswith(("https://", "http://")):
            entry = {"url": source}
            if settings.SAML_IDP_METADATA_CERT:
                entry["cert"] = settings.SAML_IDP_METADATA_CERT
            remote.append(entry)
        else:
            local.append(source)
    return {"local": local, "remote": remote}


def _config_dict(xmlsec: str) -> dict[str, Any]:
    base = settings.BASE_URL
    pair = {"key_file": str(settings.SAML_KEY_FILE), "cert_file": str(settings.SAML_CERT_FILE)}
    attributes = sorted({name for names in settings.SAML_ATTRIBUTES.values() for name in names})
    config: dict[str, Any] = {
        "entityid": settings.SAML_ENTITY_ID,
        "xmlsec_binary": xmlsec,
        "allow_unknown_attributes": True,
        "metadata": _metadata_sources(),
        **pair,
        "encryption_keypairs": [pair],
        "service": {
            "sp": {
                "name": settings.REPOSITORY_NAME,
                "name_id_format": [NAMEID_FORMAT_TRANSIENT, NAMEID_FORMAT_PERSISTENT],
                "endpoints": {
                    "assertion_consumer_service": [(f"{base}/saml2/acs/", BINDING_HTTP_POST)],
                    "single_logout_service": [
                        (f"{base}/saml2/ls/", BINDING_HTTP_REDIRECT),
                        (f"{base}/saml2/ls/post/", BINDING_HTTP_POST),
                    ],
                },
                # Every assertion must carry the IdP's signature, whether or not the response does;
                # a response that answers no request of this browser session is refused.
                "want_assertions_signed": True,
                "want_response_signed": False,
                "allow_unsolicited": False,
                "authn_requests_signed": False,
                "logout_requests_signed": True,
                "signing_algorithm": SIG_RSA_SHA256,
                "digest_algorithm": DIGEST_SHA256,
                "required_attributes": settings.SAML_ATTRIBUTES["username"],
                "optional_attributes": [
                    a for a in attributes if a not in settings.SAML_ATTRIBUTES["username"]
                ],
            }
        },
        "organization": {
            "name": [(settings.REPOSITORY_NAME, "en")],
            "display_name": [(settings.REPOSITORY_NAME, "en")],
            "url": [(base, "en")],
        },
        "contact_person": [
            {"contact_type": kind, "email_address": [f"mailto:{settings.SAML_CONTACT_EMAIL}"]}
            for kind in ("technical", "support")
        ],
    }
    if settings.SAML_ENTITY_CATEGORIES:
        config["entity_category"] = settings.SAML_ENTITY_CATEGORIES
    return config
