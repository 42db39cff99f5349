from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "samla.search"
    label = "search"

    def ready(self) -> None:
        from samla.records.indexing import Index, register_index

        from . import indexing, permissions  # noqa: F401  (permissions declares the search.* actions)

        # Record services keep the index in step through this hook: records never imports search.
        register_index(Index(index_records=indexing.index_records, index_written=indexing.index_written))
