"""A SAML 2.0 identity provider for the sign-in tests: pysaml2's own IdP (`saml2.server.Server`) as a
small WSGI app with a key pair and metadata of its own (made at test time), served by a real HTTP server
on a loopback port. Nothing in it is a mock: the SP under test talks SAML to it through a browser.

Pages: `/idp/metadata`; `/idp/sso` (HTTP-Redirect binding) asks for a username, or answers at once when
the browser holds an IdP session; `/idp/slo` ends that session and answers the SP's signed LogoutRequest;
`/idp/whoami` tells who the browser's IdP session belongs to ("nobody" after logout).

`response_for` also makes answers the tests change on purpose (unsigned, expired, for another audience),
from a request the SP made.
"""

from __future__ import annotations

import base64
import calendar
import hashlib
import html
import secrets
import shutil
import threading
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from http.cookies import SimpleCookie
from pathlib import Path
from socketserver import ThreadingMixIn
from typing import Any
from urllib.parse import parse_qs
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from saml2 import BINDING_HTTP_POST, BINDING_HTTP_REDIRECT, class_name, samlp, time_util
from saml2.assertion import Policy
from saml2.config import IdPConfig
from saml2.metadata import entity_descriptor, sign_entity_descriptor
from saml2.saml import NAME_FORMAT_URI, NAMEID_FORMAT_PERSISTENT, NAMEID_FORMAT_TRANSIENT, NameID
from saml2.server import Server
from saml2.sigver import pre_signature_part
from saml2.xmldsig import DIGEST_SHA256, SIG_RSA_SHA256

from samla.sso.keys import write_key_pair

PASSWORD_AUTHN = {"class_ref": "urn:oasis:names:tc:SAML:2.0:ac:classes:PasswordProtectedTransport"}


class TestIdentityProvider:
    """pysaml2's IdP for the users in `users` (username → attributes by friendly name)."""

    __test__ = False  # not a pytest test class

    def __init__(
        self, folder: Path, port: int, users: Mapping[str, Mapping[str, list[str]]], name: str
    ) -> None:
        self.base = f"http://127.0.0.1:{port}"
        self.entity_id = f"{self.base}/idp/metadata"
        self.users = dict(users)
        self.sessions: dict[str, str] = {}  # IdP session cookie → username
        self.logged_out: list[str] = []  # usernames whose session a LogoutRequest ended
        key, cert = folder / "idp-key.pem", folder / "idp-cert.pem"
        write_key_pair(key, cert, f"{name} test IdP")
        self.cert_file = cert
        self.config = IdPConfig()
        self.config.load(self._config(name, key, cert))
        self.server = Server(config=self.config)
        self.metadata_file = folder / "idp-metadata.xml"
        self.metadata_file.write_text(str(entity_descriptor(self.config)))

    def _config(self, name: str, key: Path, cert: Path) -> dict[str, Any]:
        return {
            "entityid": self.entity_id,
            "xmlsec_binary": shutil.which("xmlsec1"),
            "key_file": str(key),
            "cert_file": str(cert),
            "metadata": {},
            "organization": {
                "name": [(name, "en")],
                "display_name": [(name, "en")],
                "url": [(self.base, "en")],
            },
            "service": {
                "idp": {
                    "name": name,
                    "endpoints": {
                        "single_sign_on_service": [(f"{self.base}/idp/sso", BINDING_HTTP_REDIRECT)],
                        "single_logout_service": [(f"{self.base}/idp/slo", BINDING_HTTP_REDIRECT)],
                    },
                    "name_id_format": [NAMEID_FORMAT_TRANSIENT, NAMEID_FORMAT_PERSISTENT],
                    "policy": {"default": {"lifetime": {"minutes": 15}, "name_form": NAME_FORMAT_URI}},
                    "want_authn_requests_signed": False,
                    "signing_algorithm": SIG_RSA_SHA256,
                    "digest_algorithm": DIGEST_SHA256,
                }
            },
        }

    def trust_sp(self, metadata_xml: str) -> None:
        """Load the SP's metadata (as its /saml2/metadata/ serves it)."""
        self.server.metadata.load("inline", metadata_xml)

    # Answers -------------------------------------------------------------------------------------

    def response_for(
        self,
        saml_request: str,
        username: str,
        *,
        sign_assertion: bool = True,
        minutes_ago: float = 0,
        audience: str | None = None,
    ) -> tuple[str, str]:
        """The SP's ACS URL and the base64 SAMLResponse for this HTTP-Redirect AuthnRequest, its
        assertion signed (RSA-SHA256) as a real IdP signs it unless told otherwise. `minutes_ago` dates
        every instant of the answer back (an answer kept that long); `audience` names another SP."""
        request = self.server.parse_authn_request(saml_request, BINDING_HTTP_REDIRECT)
        args = self.server.response_args(request.message, [BINDING_HTTP_POST])
        args.pop("binding", None)
        destination = args["destination"]
        response = self.server.create_authn_response(
            dict(self.users[username]),
            userid=username,
            authn=PASSWORD_AUTHN,
            sign_assertion=False,
            sign_response=False,
            release_policy=Policy(self._default_policy()),
            name_id=NameID(
                format=NAMEID_FORMAT_PERSISTENT,
                name_qualifier=self.entity_id,
                sp_name_qualifier=request.message.issuer.text,
                text=hashlib.sha256(f"{self.entity_id}!{username}".encode()).hexdigest(),
            ),
            **args,
        )
        if isinstance(response, str):
            response = samlp.response_from_string(response)
        assertion = response.assertion[0] if isinstance(response.assertion, list) else response.assertion
        if minutes_ago:
            _date_back(response, assertion, minutes_ago)
        if audience is not None:
            for restriction in assertion.conditions.audience_restriction:
                for element in restriction.audience:
                    element.text = audience
        xml = str(response)
        if sign_assertion:
            assertion.signature = pre_signature_part(
                assertion.id, self.server.sec.my_cert, 1, digest_alg=DIGEST_SHA256, sign_alg=SIG_RSA_SHA256
            )
            xml = self.server.sec.sign_statement(str(response), class_name(assertion), node_id=assertion.id)
        return destination, base64.b64encode(xml.encode()).decode()

    @staticmethod
    def _default_policy() -> dict[str, Any]:
        return {"default": {"lifetime": {"minutes": 15}, "name_form": NAME_FORMAT_URI}}

    # WSGI ----------------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        path = environ.get("PATH_INFO", "")
        query = {
            k: v[0] for k, v in parse_qs(environ.get("QUERY_STRING", ""), keep_blank_values=True).items()
        }
        routes = {
            "/idp/metadata": self._metadata,
            "/idp/sso": self._sso,
            "/idp/login": self._login,
            "/idp/slo": self._slo,
            "/idp/whoami": self._whoami,
        }
        handler = routes.get(path)
        if handler is None:
            return _answer(start_response, "404 Not Found", "no such page")
        return handler(environ, query, start_response)

    def _session_user(self, environ: dict[str, Any]) -> str | None:
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        token = cookie["idp_session"].value if "idp_session" in cookie else ""
        return self.sessions.get(token)

    def _metadata(self, environ, query, start_response) -> list[bytes]:
        """Signed by the IdP's key, as a federation signs what it publishes; `?unsigned` leaves it off."""
        if "unsigned" in query:
            text = self.metadata_file.read_text()
        else:
            _descriptor, text = sign_entity_descriptor(
                entity_descriptor(self.config), None, self.server.sec, SIG_RSA_SHA256, DIGEST_SHA256
            )
        return _answer(start_response, "200 OK", text, "text/xml; charset=utf-8")

    def _sso(self, environ, query, start_response) -> list[bytes]:
        request, relay = query.get("SAMLRequest", ""), query.get("RelayState", "")
        username = self._session_user(environ)
        if username:
            return self._post_answer(start_response, request, relay, username, [])
        form = (
            '<!DOCTYPE html><html lang="en"><head><title>Test university</title></head>'
            f'<body><h1>Test university sign-in</h1><form method="post" action="/idp/login">'
            f'<input type="hidden" name="SAMLRequest" value="{html.escape(request)}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(relay)}">'
            f'<label>Username <input name="username" id="username"></label>'
            f'<button type="submit" id="idp-sign-in">Sign in</button></form></body></html>'
        )
        return _answer(start_response, "200 OK", form, "text/html; charset=utf-8")

    def _login(self, environ, query, start_response) -> list[bytes]:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        form = {k: v[0] for k, v in parse_qs(environ["wsgi.input"].read(size).decode()).items()}
        username = form.get("username", "")
        if username not in self.users:
            return _answer(start_response, "403 Forbidden", "unknown user")
        token = secrets.token_urlsafe(16)
        self.sessions[token] = username
        cookie = [("Set-Cookie", f"idp_session={token}; Path=/idp; HttpOnly; SameSite=Lax")]
        return self._post_answer(
            start_response, form.get("SAMLRequest", ""), form.get("RelayState", ""), username, cookie
        )

    def _post_answer(
        self, start_response, saml_request: str, relay: str, username: str, headers
    ) -> list[bytes]:
        destination, response = self.response_for(saml_request, username)
        page = (
            '<!DOCTYPE html><html><body onload="document.forms[0].submit()">'
            f'<form method="post" action="{html.escape(destination)}">'
            f'<input type="hidden" name="SAMLResponse" value="{html.escape(response)}">'
            f'<input type="hidden" name="RelayState" value="{html.escape(relay)}">'
            "<noscript><button>Continue</button></noscript></form></body></html>"
        )
        return _answer(start_response, "200 OK", page, "text/html; charset=utf-8", headers)

    def _slo(self, environ, query, start_response) -> list[bytes]:
        request = self.server.parse_logout_request(
            query.get("SAMLRequest", ""),
            BINDING_HTTP_REDIRECT,
            relay_state=query.get("RelayState"),
            sigalg=query.get("SigAlg"),
            signature=query.get("Signature"),
        )
        if not query.get("Signature"):
            return _answer(start_response, "400 Bad Request", "unsigned LogoutRequest")
        cookie = SimpleCookie(environ.get("HTTP_COOKIE", ""))
        token = cookie["idp_session"].value if "idp_session" in cookie else ""
        username = self.sessions.pop(token, None)
        if username:
            self.logged_out.append(username)
        response = self.server.create_logout_response(request.message, [BINDING_HTTP_REDIRECT])
        args = self.server.response_args(request.message, [BINDING_HTTP_REDIRECT])
        info = self.server.apply_binding(
            BINDING_HTTP_REDIRECT,
            str(response),
            args["destination"],
            query.get("RelayState", ""),
            response=True,
        )
        location = dict(info["headers"])["Location"]
        expire = ("Set-Cookie", "idp_session=; Path=/idp; Max-Age=0")
        start_response("302 Found", [("Location", location), expire])
        return [b""]

    def _whoami(self, environ, query, start_response) -> list[bytes]:
        return _answer(start_response, "200 OK", self._session_user(environ) or "nobody")


def _date_back(response: Any, assertion: Any, minutes: float) -> None:
    """Move every instant of the answer `minutes` into the past, as if it had been kept that long."""

    def back(value: str | None) -> str | None:
        return _shift(value, minutes) if value else value

    response.issue_instant = back(response.issue_instant)
    assertion.issue_instant = back(assertion.issue_instant)
    assertion.conditions.not_before = back(assertion.conditions.not_before)
    assertion.conditions.not_on_or_after = back(assertion.conditions.not_on_or_after)
    for confirmation in assertion.subject.subject_confirmation:
        data = confirmation.subject_confirmation_data
        data.not_on_or_after = back(data.not_on_or_after)
    for statement in assertion.authn_statement:
        statement.authn_instant = back(statement.authn_instant)


def _shift(value: str, minutes: float) -> str:
    moment = time_util.str_to_time(value)
    return time.strftime(time_util.TIME_FORMAT, time.gmtime(calendar.timegm(moment) - minutes * 60))


def _answer(
    start_response, status: str, body: str, kind: str = "text/plain; charset=utf-8", headers=()
) -> list[bytes]:
    data = body.encode()
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(data))), *headers])
    return [data]


class _ThreadingServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serving_idp(idp: TestIdentityProvider, port: int) -> Iterator[str]:
    """The IdP on a real HTTP server (wsgiref, a thread per request) until the block ends; its URL."""
    httpd = make_server("127.0.0.1", port, idp, server_class=_ThreadingServer, handler_class=_QuietHandler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield idp.base
    finally:
        httpd.shutdown()
        httpd.server_close()
