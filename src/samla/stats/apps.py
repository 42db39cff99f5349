from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "samla.stats"
    label = "stats"
    verbose_name = "Usage statistics"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (declares the stats.* actions)
