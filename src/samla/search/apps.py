from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "samla.search"
    label = "search"

    def ready(self) -> None:
        from . import permissions  # noqa: F401  (declares the search.* actions)
