"""Resumption tokens: stateless, opaque, signed, never expiring.

A token carries the list's arguments and the (datestamp, id) of the last item sent, so the next page is
a keyset query that costs what the first one cost, and a harvest survives server restarts. The signature
makes a tampered or made-up token a badResumptionToken instead of a strange query.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from django.core import signing

from .protocol import OaiError

SALT = "samla.oai.resumption"


@dataclass(frozen=True)
class ListState:
    verb: str
    prefix: str
    start: str | None  # the from/until arguments as given, re-parsed on each page
    until: str | None
    set_spec: str | None
    after_datestamp: str  # ISO datetime with microseconds of the last item sent
    after_id: int
    cursor: int  # how many items came before this page
    total: int  # completeListSize, counted when the list started


def make_token(state: ListState) -> str:
    return signing.dumps(asdict(state), salt=SALT, compress=True)


def read_token(token: str, verb: str) -> ListState:
    try:
        state = ListState(**signing.loads(token, salt=SALT))
    except (signing.BadSignature, TypeError, ValueError):
        raise OaiError(
            "badResumptionToken", "The resumption token is not one this repository issued."
        ) from None
    if state.verb != verb:
        raise OaiError("badResumptionToken", f"The resumption token belongs to {state.verb}, not {verb}.")
    return state
