from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "samla.records"
    label = "records"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (declares the record.* actions)
