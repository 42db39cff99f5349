"""Schemathesis against the served OpenAPI document: generated requests, valid and invalid, to every route,
anonymous, as a curator (session) and with a curator's API token, each answer checked (no 500, a documented
status, a body of the documented shape, public reads, writes refused without a session or token). No
failure is allowed.

The requests go to the WSGI application in the test's transaction, over the demo corpus. Hypothesis runs
derandomized and bounded, so a run is the same every time.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.contrib.auth.models import User
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from schemathesis.config import SchemathesisConfig

# Valid by the schema and refused by meaning, with a 400 naming the field: a CSL style or locale (the
# document cannot list 10,844 styles), a search page past the 10,000th result, a record's vocabulary codes,
# identifiers and dates, a file's embargo date as the form sends it.
CONFIG = SchemathesisConfig.from_str("""
[[operations]]
include-name = [
    "GET /api/records/{local_id}/cite",
    "GET /api/search/",
    "POST /api/records/",
    "POST /api/records/{local_id}/files",
]
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "403", "404", "409"]

# Conditional writes and the record's transitions: a generated If-Match names a stale revision (412), and
# an action need not start from the record's state (409).
[[operations]]
include-name = [
    "PUT /api/records/{local_id}",
    "PATCH /api/records/{local_id}",
    "POST /api/records/{local_id}/actions/{action}",
]
checks.positive_data_acceptance.expected-statuses = ["2xx", "400", "403", "404", "409", "412"]
""")
SCHEMA = schemathesis.openapi.from_wsgi("/api/openapi.json", get_wsgi_application(), config=CONFIG)
OPERATIONS = [result.ok() for result in SCHEMA.get_all_operations()]
WRITES = {"POST", "PUT", "PATCH", "DELETE"}
# Reads only curators may make: an anonymous reader is refused them whatever it sends.
CURATORS_READ = {"GET /api/records/proposals"}
EXAMPLES = 20
CSRF_SECRET = "samla" * 6 + "ok"  # any 32 letters: the cookie and the header only have to agree


@pytest.fixture
def wsgi_in_test_transaction(db):
    """Let the WSGI handler answer inside the test's transaction: at the end of a request it would close
    the connection, and the transaction with it (Django's test client disconnects the same signal)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


# The bearer token Schemathesis makes up for the declared scheme is rightly refused (401), which would
# hide what the run is about; an empty Authorization header is no token. The token run sends a real one.
NO_TOKEN = {"Authorization": ""}


def _exercise(operation, **session: dict[str, str]) -> set[int]:
    """Run the operation's generated cases through every check; the statuses seen."""
    statuses: set[int] = set()

    @given(case=operation.as_strategy())
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        statuses.add(case.call_and_validate(**session).status_code)

    run()
    return statuses


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_api_anonymous_schemathesis_finds_no_failure(wsgi_in_test_transaction, operation):
    statuses = _exercise(operation, headers=NO_TOKEN)

    if operation.method.upper() in WRITES:
        assert statuses <= {400, 403, 404, 413}, statuses  # nothing is written without a session
    elif operation.label in CURATORS_READ:
        assert 403 in statuses and statuses <= {400, 403}, statuses
    else:
        assert 200 in statuses or 404 in statuses, statuses


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_api_curator_schemathesis_finds_no_failure(wsgi_in_test_transaction, operation, curator, client):
    client.force_login(User.objects.get(pk=curator.user_id))
    cookies = {"sessionid": client.cookies["sessionid"].value, "csrftoken": CSRF_SECRET}

    statuses = _exercise(operation, cookies=cookies, headers={"X-CSRFToken": CSRF_SECRET, **NO_TOKEN})

    assert 403 not in statuses, "the curator's session or CSRF token was not accepted"


@pytest.mark.parametrize("operation", OPERATIONS, ids=[op.label for op in OPERATIONS])
def test_api_curator_token_schemathesis_finds_no_failure(wsgi_in_test_transaction, operation, curator):
    """The same with a curate-scope API token and no session: no cookie, no CSRF token."""
    from samla.accounts.services import create_token

    user = User.objects.get(pk=curator.user_id)
    _token, secret = create_token(curator, user=user, name="schemathesis", scope="curate")

    statuses = _exercise(operation, headers={"Authorization": f"Bearer {secret}"})

    assert not statuses & {401, 403}, "the curator's token was not accepted"
