from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "samla.files"
    label = "files"

    def ready(self) -> None:
        from samla.search.index_documents import register_text_source

        from . import permissions  # noqa: F401  (declares the file.* actions)
        from .services import public_texts

        register_text_source(public_texts)
