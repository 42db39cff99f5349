"""The COUNTER R5 crafted event log: every rule of stats/counter.py at work, with the counts the Code of
Practice gives written out (R5.0.2 §7.2 double clicks, §7.3 sessions and unique items, §7.8 robots,
§3.3 a request is also an investigation)."""

from __future__ import annotations

import datetime as dt

import pytest

from samla.core.access import Actor
from samla.stats.counter import agent_class, session_key
from samla.stats.models import HUMAN, MACHINE, ROBOT, RecordUsage, UsageEvent
from samla.stats.services import Served, Visit, record_usage

from .conftest import FIREFOX, GOOGLEBOT, utc

USER_1 = Visit(ip="192.0.2.1", user_agent=FIREFOX)
USER_2 = Visit(ip="198.51.100.7", user_agent=FIREFOX)  # same browser, another address: another user
ROBOT_VISIT = Visit(ip="203.0.113.9", user_agent=GOOGLEBOT)


def crafted_log(items) -> list[Served]:
    """The crafted log, in time order (all 2025-03-10, UTC)."""
    anonymous = Actor.anonymous()

    def view(visit, item, at):
        return Served.investigation(
            anonymous, visit=Visit(visit.ip, visit.user_agent, utc(at)), record=items[item]
        )

    def download(visit, item, at, partial=False):
        return Served.request(
            anonymous, visit=Visit(visit.ip, visit.user_agent, utc(at)), record_file=items[f"file {item}"],
            partial=partial,
        )  # fmt: skip

    return [
        view(USER_1, "A", "10:00:00"),  # counted
        view(ROBOT_VISIT, "A", "10:00:05"),  # a robot: never counted (§7.8)
        download(ROBOT_VISIT, "A", "10:00:06"),  # a robot: never counted
        view(USER_2, "A", "10:00:10"),  # another user: counted, and unique in their own session
        view(USER_1, "A", "10:00:29"),  # 29 s after the first: a double click, one action (§7.2)
        download(USER_1, "A", "10:05:00"),  # counted: a request, and an investigation too (§3.3)
        download(USER_1, "A", "10:05:31"),  # 31 s later: not a double click, a second request
        download(USER_1, "A", "10:06:40", partial=True),  # a byte range of a file already requested: once
        view(USER_1, "B", "10:59:50"),  # counted, in the 10:00 session
        view(USER_1, "B", "11:00:10"),  # 20 s later, across the hour: still a double click
        view(USER_1, "B", "11:10:00"),  # counted: the 11:00 slice is a new session, so unique again (§7.3)
        download(USER_1, "B", "11:20:00"),  # counted; B was already investigated in this session
    ]


def replay(items, batch: int = 1) -> None:
    """Count the crafted log `batch` events a transaction (the HTTP edge's buffer holds a few seconds)."""
    events = crafted_log(items)
    for start in range(0, len(events), batch):
        record_usage(events[start : start + batch])


def metrics(record, file_key=0) -> dict[str, int]:
    row = RecordUsage.objects.get(record=record, file_key=file_key, month=dt.date(2025, 3, 1))
    return {
        "Total_Item_Investigations": row.total_investigations,
        "Unique_Item_Investigations": row.unique_investigations,
        "Total_Item_Requests": row.total_requests,
        "Unique_Item_Requests": row.unique_requests,
    }


@pytest.mark.parametrize("batch", [1, 5, 12])
def test_crafted_log_yields_the_code_of_practice_counts(items, batch):
    replay(items, batch)
    # Item A: investigations = user 1's view at 10:00:00 + user 2's view + user 1's two requests (the
    # double click at 10:00:29 and the repeated range are not counted, the robot never) = 4; unique =
    # one per session: user 1 10:00-11:00 and user 2 10:00-11:00 = 2. Requests: 10:05:00 and 10:05:31
    # = 2, in one session = 1 unique.
    assert metrics(items["A"]) == {
        "Total_Item_Investigations": 4,
        "Unique_Item_Investigations": 2,
        "Total_Item_Requests": 2,
        "Unique_Item_Requests": 1,
    }
    # Item B: investigations = the view at 10:59:50, the view at 11:10:00 and the request at 11:20:00 = 3
    # (11:00:10 is a double click of 10:59:50); unique = sessions 10:00 and 11:00 = 2. One request.
    assert metrics(items["B"]) == {
        "Total_Item_Investigations": 3,
        "Unique_Item_Investigations": 2,
        "Total_Item_Requests": 1,
        "Unique_Item_Requests": 1,
    }
    # Per file: only requests.
    assert metrics(items["A"], items["file A"].pk)["Total_Item_Requests"] == 2
    assert metrics(items["A"], items["file A"].pk)["Unique_Item_Requests"] == 1
    assert metrics(items["B"], items["file B"].pk)["Total_Item_Requests"] == 1
    # Every event is kept: 12 raw, 7 counted.
    assert UsageEvent.objects.count() == 12
    assert UsageEvent.objects.filter(counted=True).count() == 7


def test_crafted_log_keeps_no_ip_address_or_user_agent(items):
    replay(items)
    stored = " ".join(
        str(value)
        for model in (UsageEvent, RecordUsage)
        for row in model.objects.values_list()
        for value in row
    )
    for secret in ("192.0.2.1", "198.51.100.7", "203.0.113.9", "Firefox", "Googlebot", "Mozilla"):
        assert secret not in stored


def test_agent_class_uses_the_counter_robots_lists():
    assert agent_class(GOOGLEBOT) == ROBOT
    assert agent_class("curl/8.5.0") in (ROBOT, MACHINE)
    assert agent_class("") == MACHINE
    assert agent_class(FIREFOX) == HUMAN


def test_session_key_rotates_daily_and_is_per_user():
    day_1, day_2 = utc("10:00:00"), utc("10:00:00", day="2025-03-11")
    key = session_key(at=day_1, user_id=None, ip="192.0.2.1", user_agent=FIREFOX)
    assert key == session_key(at=utc("23:59:59"), user_id=None, ip="192.0.2.1", user_agent=FIREFOX)
    assert key != session_key(at=day_2, user_id=None, ip="192.0.2.1", user_agent=FIREFOX)
    assert key != session_key(at=day_1, user_id=None, ip="192.0.2.2", user_agent=FIREFOX)
    signed_in = session_key(at=day_1, user_id=7, ip="192.0.2.1", user_agent=FIREFOX)
    assert signed_in == session_key(at=day_1, user_id=7, ip="203.0.113.1", user_agent="other")


def test_session_key_depends_on_secret_key(settings):
    key = session_key(at=utc("10:00:00"), user_id=None, ip="192.0.2.1", user_agent=FIREFOX)
    settings.SECRET_KEY = "another key"
    assert key != session_key(at=utc("10:00:00"), user_id=None, ip="192.0.2.1", user_agent=FIREFOX)
