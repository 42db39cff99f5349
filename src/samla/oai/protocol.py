"""OAI-PMH 2.0 requests: which arguments each verb takes, and the checks the specification asks for.

Every problem becomes an `OaiError` with the specification's error code; the view answers it inside the
normal XML envelope with HTTP 200, as section 3.6 says.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.http import QueryDict


class OaiError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


# verb -> (required, optional, exclusive)
VERBS: dict[str, tuple[set[str], set[str], str | None]] = {
    "Identify": (set(), set(), None),
    "ListMetadataFormats": (set(), {"identifier"}, None),
    "ListSets": (set(), set(), "resumptionToken"),
    "ListIdentifiers": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "ListRecords": ({"metadataPrefix"}, {"from", "until", "set"}, "resumptionToken"),
    "GetRecord": ({"identifier", "metadataPrefix"}, set(), None),
}
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
SECOND = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$")


@dataclass(frozen=True)
class OaiRequest:
    verb: str
    arguments: dict[str, str]

    def get(self, name: str) -> str | None:
        return self.arguments.get(name)


def parse_request(params: QueryDict) -> OaiRequest:
    """The verb and its arguments; badVerb or badArgument when the request breaks the protocol."""
    verbs = params.getlist("verb")
    if len(verbs) != 1:
        raise OaiError("badVerb", "The verb argument is missing." if not verbs else "The verb is repeated.")
    verb = verbs[0]
    if verb not in VERBS:
        raise OaiError("badVerb", f"{verb[:100]!r} is not an OAI-PMH verb.")
    required, optional, exclusive = VERBS[verb]
    arguments: dict[str, str] = {}
    for name in params:
        if name == "verb":
            continue
        values = params.getlist(name)
        if name not in required | optional and name != exclusive:
            raise OaiError("badArgument", f"{verb} does not take the argument {name[:100]!r}.")
        if len(values) > 1:
            raise OaiError("badArgument", f"The argument {name} is repeated.")
        if "\x00" in values[0]:  # no identifier, set or token has one, and PostgreSQL refuses it in text
            raise OaiError("badArgument", f"The argument {name} contains a NUL character.")
        arguments[name] = values[0]
    if exclusive and exclusive in arguments:
        if len(arguments) > 1:
            raise OaiError("badArgument", f"{exclusive} is an exclusive argument: send it alone.")
        return OaiRequest(verb, arguments)
    missing = sorted(required - set(arguments))
    if missing:
        raise OaiError("badArgument", f"{verb} needs the argument {', '.join(missing)}.")
    return OaiRequest(verb, arguments)


@dataclass(frozen=True)
class DateRange:
    """Inclusive bounds as half-open datetimes: from ≤ datestamp < until_end."""

    start: dt.datetime | None
    end: dt.datetime | None


def parse_range(start: str | None, until: str | None) -> DateRange:
    """from/until at day or second granularity, both the same; badArgument otherwise."""
    granularities = {_granularity(v) for v in (start, until) if v is not None}
    if len(granularities) > 1:
        raise OaiError("badArgument", "from and until must have the same granularity.")
    lower = _parse(start, "from") if start is not None else None
    upper = _parse(until, "until") if until is not None else None
    if lower and upper and lower > upper:
        raise OaiError("badArgument", "until is earlier than from.")
    if upper is not None:
        upper += dt.timedelta(days=1) if DAY.match(until) else dt.timedelta(seconds=1)
    return DateRange(lower, upper)


def _granularity(value: str) -> str:
    return "day" if DAY.match(value) else "second" if SECOND.match(value) else "bad"


def _parse(value: str, name: str) -> dt.datetime:
    try:
        if DAY.match(value):
            return dt.datetime.strptime(value, "%Y-%m-%d").replace(tzinfo=dt.UTC)
        if SECOND.match(value):
            return dt.datetime.strptime(value, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=dt.UTC)
    except ValueError:
        pass
    raise OaiError(
        "badArgument", f"{name}={value[:40]!r} is not a date (YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ)."
    )
