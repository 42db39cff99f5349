from django.apps import AppConfig


class OaiConfig(AppConfig):
    name = "samla.oai"
    label = "oai"
    verbose_name = "OAI-PMH"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (declares the oai.* actions)
