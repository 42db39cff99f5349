from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExportsConfig(AppConfig):
    name = "samla.exports"
    label = "exports"
    verbose_name = _("Exports")

    def ready(self) -> None:
        """Register the built-in formats with the same `register` a plugin app would call."""
        from samla.jobs.downloads import register_kind

        from . import bibtex, csl_json, datacite, endnote, json_ld, marcxml, mods, oai_dc, ris, swepub_mods
        from . import csv as csv_format
        from .downloads import export_download
        from .framing import CsvDocument, JsonArray, JsonLdDocument, TextDocument, XmlDocument
        from .registry import Format, OaiFormat, register

        register_kind("export", export_download)  # list exports as downloads and jobs

        register(
            Format(
                name="bibtex",
                label=_("BibTeX"),
                media_type="application/x-bibtex",
                extension="bib",
                write=bibtex.write,
                document=TextDocument(),
            )
        )
        register(
            Format(
                name="ris",
                label=_("RIS"),
                media_type="application/x-research-info-systems",
                extension="ris",
                write=ris.write,
                document=TextDocument(),
            )
        )
        register(
            Format(
                name="endnote",
                label=_("EndNote XML"),
                media_type="application/x-endnote+xml",
                extension="endnote.xml",
                write=endnote.write,
                document=XmlDocument(endnote.WRAPPER, always_wrap=True),
            )
        )
        register(
            Format(
                name="mods",
                label=_("MODS 3.8"),
                media_type="application/mods+xml",
                extension="mods.xml",
                write=mods.write,
                document=XmlDocument((f"{{{mods.MODS_NS}}}modsCollection",), mods.NSMAP),
                oai=OaiFormat("mods", mods.SCHEMA, mods.MODS_NS),
            )
        )
        register(
            Format(
                name="swepub_mods",
                label=_("Swepub MODS"),
                media_type="application/x-swepub-mods+xml",
                extension="swepub.xml",
                write=swepub_mods.write,
                document=XmlDocument((f"{{{mods.MODS_NS}}}modsCollection",), mods.NSMAP),
                oai=OaiFormat("swepub_mods", swepub_mods.SCHEMA, mods.MODS_NS),
            )
        )
        register(
            Format(
                name="oai_dc",
                label=_("Dublin Core"),
                media_type="application/x-dc+xml",
                extension="dc.xml",
                write=oai_dc.write,
                document=XmlDocument(("records",)),
                oai=OaiFormat("oai_dc", oai_dc.SCHEMA, oai_dc.OAI_DC_NS),
            )
        )
        register(
            Format(
                name="datacite",
                label=_("DataCite XML"),
                media_type="application/vnd.datacite.datacite+xml",
                extension="datacite.xml",
                write=datacite.write,
                document=XmlDocument(("records",)),
                oai=OaiFormat(
                    "datacite", "http://schema.datacite.org/meta/kernel-4/metadata.xsd", datacite.DATACITE_NS
                ),
            )
        )
        register(
            Format(
                name="csl-json",
                label=_("CSL-JSON"),
                media_type="application/vnd.citationstyles.csl+json",
                extension="csl.json",
                write=csl_json.write,
                document=JsonArray(),
            )
        )
        register(
            Format(
                name="marcxml",
                label=_("MARCXML"),
                media_type="application/marcxml+xml",
                extension="marc.xml",
                write=marcxml.write,
                document=XmlDocument((f"{{{marcxml.MARC_NS}}}collection",), marcxml.NSMAP),
                oai=OaiFormat("marc21", marcxml.SCHEMA, marcxml.MARC_NS),
            )
        )
        register(
            Format(
                name="json-ld",
                label=_("schema.org JSON-LD"),
                media_type="application/ld+json",
                extension="jsonld",
                write=json_ld.write,
                document=JsonLdDocument(json_ld.CONTEXT),
                aliases=("application/vnd.schemaorg.ld+json",),
            )
        )
        register(
            Format(
                name="csv",
                label=_("CSV"),
                media_type="text/csv",
                extension="csv",
                write=csv_format.write,
                document=CsvDocument(list(csv_format.COLUMNS)),
            )
        )
