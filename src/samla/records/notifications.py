"""Mail about a record's transitions: to its curators when it is submitted, to its depositor when it is
returned, approved or published, each written in the recipient's language.

`records.services.lifecycle` calls `transition_made` once the transition is committed. The mail goes
through the sender the jobs app registers at start (`register_sender`: a background task, so a slow
mail server never holds up a request); with no sender registered it is sent at once through Django's
mail backend. Who the curators of a record are is one function, `curator_recipients`.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import translation

from samla.accounts.models import RoleGrant
from samla.organisations.models import Organisation

from .models import Record, Revision
from .permissions import record_organisation_ids

log = logging.getLogger(__name__)
# Who hears of each transition: the depositor, the curators, or nobody.
TOLD = {"submit": "curators", "return": "depositor", "approve": "depositor", "publish": "depositor"}


@dataclass(frozen=True)
class Mail:
    to: tuple[str, ...]
    subject: str
    body: str


Sender = Callable[[Mail], None]
_sender: Sender | None = None


def register_sender(sender: Sender | None) -> None:
    """Called once, by the jobs app's `ready`: mail is then sent by a background task."""
    global _sender
    _sender = sender


def deliver(mail: Mail) -> None:
    """Send through Django's mail backend now (what the jobs app's task does)."""
    send_mail(mail.subject, mail.body, settings.DEFAULT_FROM_EMAIL, list(mail.to))


def transition_made(record_id: int, action: str, message: str) -> None:
    """Tell whoever hears of `action` on the record. A failure to queue a mail is logged: the
    transition is committed and must not look failed for it."""
    who = TOLD.get(action)
    record = Record.objects.select_related("owner").filter(pk=record_id).first()
    if who is None or record is None:
        return
    recipients = curator_recipients(record) if who == "curators" else depositor_recipients(record)
    for user in recipients:
        if not user.email:
            continue
        try:
            (_sender or deliver)(compose(record, action, message, user))
        except Exception:
            log.exception(
                "mail about %s of %s to user %s could not be sent", action, record.local_id, user.pk
            )


def depositor_recipients(record: Record) -> list[Any]:
    """The record's owner, the person who deposited it (none for an imported record)."""
    return [record.owner] if record.owner is not None and record.owner.is_active else []


def curator_recipients(record: Record) -> list[Any]:
    """The active users holding a curator role (or an administrator's) for one of the record's
    organisations, for an organisation above one of them, or everywhere."""
    organisations = _with_ancestors(record_organisation_ids(record))
    granted = RoleGrant.objects.filter(role__in=("curator", "admin")).filter(
        Q(organisation__isnull=True) | Q(organisation_id__in=organisations)
    )
    return list(
        get_user_model().objects.filter(pk__in=granted.values("user_id"), is_active=True).order_by("pk")
    )


def _with_ancestors(organisation_ids: Iterable[int]) -> set[int]:
    """The organisations and every one above them (a query per level of the hierarchy)."""
    found = set(organisation_ids)
    frontier = set(found)
    while frontier:
        parents = set(
            Organisation.objects.filter(pk__in=frontier, parent__isnull=False).values_list(
                "parent_id", flat=True
            )
        )
        frontier = parents - found
        found |= frontier
    return found


def recipient_language(user: Any) -> str:
    """The interface language the user last made a change in (`Revision.language`), else the site's."""
    last = (
        Revision.objects.filter(user_id=user.pk)
        .exclude(language="")
        .order_by("-at", "-pk")
        .values_list("language", flat=True)
        .first()
    )
    languages = dict(settings.LANGUAGES)
    return last if last in languages else settings.LANGUAGE_CODE


def compose(record: Record, action: str, message: str, user: Any) -> Mail:
    """The mail to `user` about `action` on the record, in their language: plain text, so whatever a
    title or message holds is shown as text."""
    with translation.override(recipient_language(user)):
        context = {
            "record": record,
            "action": action,
            "message": message,
            "user": user,
            "url": settings.BASE_URL + record.get_absolute_url(),
            "history_url": settings.BASE_URL + record.get_absolute_url() + "/history",
        }
        subject = render_to_string("records/mail/transition_subject.txt", context).strip()
        body = render_to_string("records/mail/transition.txt", context)
    return Mail(to=(user.email,), subject=" ".join(subject.split())[:200], body=body)
