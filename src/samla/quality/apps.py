from django.apps import AppConfig


class QualityConfig(AppConfig):
    name = "samla.quality"
    label = "quality"
    verbose_name = "Data quality"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (declares the quality.* actions)
