from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitationsConfig(AppConfig):
    name = "samla.citations"
    label = "citations"
    verbose_name = _("Citations")

    def ready(self) -> None:
        from samla.exports.http import openapi_content
        from samla.jobs.downloads import register_kind
        from samla.records.representations import Representations, register_representations

        from .downloads import bibliography_download
        from .negotiation import record_representation

        register_kind("bibliography", bibliography_download)  # list bibliographies as downloads and jobs

        # The REST record route answers every export format and the bibliography entry through this:
        # records is a layer below exports and citations and imports neither.
        register_representations(
            Representations(answer=record_representation, openapi_content=openapi_content)
        )
