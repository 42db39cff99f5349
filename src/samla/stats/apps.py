from django.apps import AppConfig


class StatsConfig(AppConfig):
    name = "samla.stats"
    label = "stats"
    verbose_name = "Usage statistics"

    def ready(self) -> None:
        from samla.files.counting import register_counter

        from . import permissions  # noqa: F401  (declares the stats.* actions)
        from .edge import count_request

        register_counter(count_request)  # the download view counts through this: files never imports stats
