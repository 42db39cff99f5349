"""The whole real corpus the project carries, imported: which records fail and which are flagged, per
file; then every record's page, every export format, the Cite box and every OAI-PMH format answer."""

from __future__ import annotations

import re

import pytest
from django.test import Client
from tests import TESTDATA

from samla.citations.styles import DIVA_STYLES
from samla.core.access import Actor
from samla.exports.registry import formats
from samla.imports.services import import_files
from samla.records.models import Record

FOLDERS = ("oai-pmh", "diva-more", "records")
# Files that hold no record to import: OAI-PMH errors and the pyoai negatives, and Zenodo's recording index.
NOT_RECORDS = re.compile(r"/broken/|/spec-examples/(?!ListRecords|GetRecord)|/error-|/index\.json$")
CORPUS = sorted(
    path
    for folder in FOLDERS
    for path in (TESTDATA / folder).rglob("*")
    if path.suffix in (".xml", ".bib", ".ris", ".json", ".txt", ".csv", ".enw")
    and not NOT_RECORDS.search(path.as_posix())
)

# Records refused, per file: those without a title, a file that is no XML, and the few named below.
FAILED = {
    "diva-more/rejected_kth.xml": 1,  # no title
    "oai-pmh/spec-examples/ListRecordsBroken.xml": 1,  # not XML
    "records/bibtex/bibtexparser/biber-examples.bib": 21,  # no title
    "records/bibtex/bibtexparser/wrong.bib": 2,  # no title
    "records/ris/rispy/example_bom.ris": 1,  # no title
    "records/ris/rispy/example_multiline.ris": 3,  # no title
    "records/ris/rispy/example_utf_chars.ris": 1,  # no title
    # Rows longer than their header (Scopus CSV).
    "records/scopus/litstudy-scopus-older.csv": 2,
}
NOT_TITLE = {
    "ListRecordsBroken.xml",
    "litstudy-scopus-older.csv",
}
# Records reported flagged, per file.
FLAGGED = {
    "diva-more/dedup_merge.xml": 1,
    "diva-more/doi_validation_enrichment.xml": 1,  # a later record of the file fixes it: no flag stays
    "diva-more/local_personid_from_candidate.xml": 1,
    "diva-more/uniarts-new.xml": 1,
    # The URN:NBN of invalid_issn.xml's record (the same work under another local id), left out.
    "oai-pmh/diva-swepub/chalmers.xml": 1,
    "oai-pmh/diva-swepub/dedup.xml": 2,
    "oai-pmh/diva-swepub/minimum_level-diva.xml": 1,
    "records/bibtex/bibtexparser/biber-examples.bib": 1,
    "records/datacite/datacite-example-complicated-v4.xml": 1,
    "records/datacite/datacite-example-relateditem1-v4.xml": 1,
    "records/mods/jabref-export/ModsExportFormatTestAllFields.bib": 1,
    "records/mods/jabref/MODSImporterTestAllFields.xml": 1,
    "records/mods/jabref/MODSImporterTestModsCollection.xml": 2,
    "records/ris/jabref/RisImporterTest1.bib": 1,
    "records/ris/rispy/example_extraneous_data.ris": 2,
}
# The flags the records of each file keep once the corpus is in, by kind.
KINDS = {
    "diva-more/dedup_merge.xml": ["invalid-identifier"],
    "diva-more/local_personid_from_candidate.xml": ["invalid-orcid"],
    "diva-more/uniarts-new.xml": ["unknown-scheme"],
    "oai-pmh/diva-swepub/chalmers.xml": ["identifier-taken"],
    "oai-pmh/diva-swepub/dedup.xml": ["invalid-identifier", "invalid-identifier"],
    "oai-pmh/diva-swepub/minimum_level-diva.xml": ["invalid-identifier"],
    "records/bibtex/bibtexparser/biber-examples.bib": ["unknown-language"],
    "records/datacite/datacite-example-complicated-v4.xml": ["invalid-identifier"],
    "records/datacite/datacite-example-relateditem1-v4.xml": ["invalid-issn"],
    "records/mods/jabref/MODSImporterTestAllFields.xml": [
        "invalid-local-id",
        "output-type-guessed",
        "unknown-scheme",
    ],
    "records/mods/jabref/MODSImporterTestModsCollection.xml": [
        "invalid-identifier",
        "invalid-identifier",
        "invalid-identifier",
        "output-type-guessed",
        "output-type-guessed",
        "unknown-scheme",
        "unknown-scheme",
    ],
    "records/mods/jabref-export/ModsExportFormatTestAllFields.bib": ["invalid-identifier"],
    "records/ris/jabref/RisImporterTest1.bib": ["invalid-issn"],
    "records/ris/rispy/example_extraneous_data.ris": ["invalid-issn", "invalid-issn"],
}


@pytest.fixture
def corpus(db):
    """The corpus imported file by file, as each file's results."""
    return {path: list(import_files(Actor.system("corpus"), [path])) for path in CORPUS}


def per_file(results, wanted) -> dict[str, int]:
    counts = {str(path.relative_to(TESTDATA)): sum(map(wanted, found)) for path, found in results.items()}
    return {name: n for name, n in sorted(counts.items()) if n}


def test_corpus_refuses_only_records_without_a_title(corpus):
    assert per_file(corpus, lambda r: r.status == "failed") == FAILED
    fields = {
        r.field
        for path, found in corpus.items()
        if path.name not in NOT_TITLE
        for r in found
        if r.status == "failed"
    }
    assert fields == {"title"}


def test_corpus_flags_per_file(corpus):
    kinds = {
        str(path.relative_to(TESTDATA)): sorted(f["kind"] for r in found for f in _stored_flags(r))
        for path, found in corpus.items()
    }
    assert per_file(corpus, lambda r: bool(r.flags)) == FLAGGED
    assert {name: found for name, found in kinds.items() if found} == KINDS


def _stored_flags(result) -> list[dict]:
    if not result.flags:
        return []
    return Record.objects.get(local_id=result.record).quality_flags


OAI = "{http://www.openarchives.org/OAI/2.0/}"


EXPORT_SAMPLE = 10  # every tenth record is also exported one by one, in every format


def test_corpus_every_record_page_export_cite_box_and_oai_format_answers(corpus):
    """Each record's page with its Cite box in one of DiVA's styles (a different one from record to
    record); every export format of the registry, for all records at once (the bulk loader) and for a
    sample one by one (model instances); every OAI-PMH format over the whole repository."""
    client = Client(raise_request_exception=False)  # a server error is an answer to report, not a raise
    records = list(Record.objects.order_by("pk").values_list("local_id", "state"))
    wrong = []
    for number, (local_id, state) in enumerate(records):
        expected = 410 if state == "withdrawn" else 200
        urls = [f"/record/{local_id}?style={DIVA_STYLES[number % len(DIVA_STYLES)]}"]
        if number % EXPORT_SAMPLE == 0:
            urls += [f"/record/{local_id}/export/{fmt.name}" for fmt in formats()]
        wrong += [(url, status) for url in urls if (status := client.get(url).status_code) != expected]
    for fmt in formats():
        response = client.get(f"/search/export/{fmt.name}")
        body = b"".join(response.streaming_content)
        wrong += [] if response.status_code == 200 and body else [(fmt.name, response.status_code)]
    assert wrong == []
    for prefix in [fmt.oai.prefix for fmt in formats() if fmt.oai]:
        assert harvested(client, prefix) == len(records), prefix


def harvested(client: Client, prefix: str) -> int:
    """How many records (deleted ones as headers) a full ListRecords of `prefix` gives."""
    from lxml import etree

    count, query = 0, f"verb=ListRecords&metadataPrefix={prefix}"
    while query:
        response = client.get(f"/oai?{query}")
        assert response.status_code == 200, (prefix, query)
        tree = etree.fromstring(response.content)
        assert tree.find(f"{OAI}error") is None, (prefix, query)
        count += len(tree.findall(f"{OAI}ListRecords/{OAI}record"))
        token = tree.findtext(f"{OAI}ListRecords/{OAI}resumptionToken")
        query = f"verb=ListRecords&resumptionToken={token}" if token else ""
    return count
