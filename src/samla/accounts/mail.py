"""Mail the accounts send (password-reset links). It goes through the sender the jobs app registers at
start (a background task, so a slow mail server never holds up the sign-in pages, as for records'
notifications); with none registered it is sent at once through Django's mail backend."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.contrib.auth.forms import PasswordResetForm
from django.core.mail import send_mail
from django.template import loader

Sender = Callable[[list[str], str, str], None]  # to, subject, body
_sender: Sender | None = None


def register_sender(sender: Sender | None) -> None:
    """Called once, by the jobs app's `ready`."""
    global _sender
    _sender = sender


def send(to: list[str], subject: str, body: str) -> None:
    if _sender is not None:
        _sender(to, subject, body)
    else:
        send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)


class QueuedPasswordResetForm(PasswordResetForm):
    """Django's password reset, its mail handed to `send` rather than sent in the request."""

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict,
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        send([to_email], subject, body)
