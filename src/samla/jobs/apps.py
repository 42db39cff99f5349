from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JobsConfig(AppConfig):
    name = "samla.jobs"
    label = "jobs"
    verbose_name = _("Background jobs")

    def ready(self) -> None:
        """Mail about records (`records.notifications`) and the accounts' password-reset mail go out
        through the `send_mail` task."""
        from samla.accounts.mail import register_sender as register_accounts_sender
        from samla.records.notifications import register_sender

        from .tasks import enqueue_mail, send_mail

        register_sender(enqueue_mail)
        register_accounts_sender(send_mail.enqueue)
