"""The MODS mapping, field by field, on real DiVA and SwePub records."""

import datetime as dt

import pytest
from tests import TESTDATA

from samla.imports.mapping import MappedRecord, OrganisationPath
from samla.imports.oai_pmh import read_records

from .conftest import DIVA_MODS, DIVA_SWEPUB


def mapped(name: str, index: int = 0) -> MappedRecord:
    return read_records(DIVA_SWEPUB / name)[index].map()


def contributors(result: MappedRecord) -> list[dict]:
    return [c.model_dump(exclude_defaults=True) for c in result.record.contributors]


def identifiers(result: MappedRecord) -> list[tuple[str, str]]:
    return [(i.scheme, i.value) for i in result.record.identifiers]


def test_map_mods_liu_conference_abstract_maps_titles_people_and_organisations(db):
    result = mapped("liu-new-diva.xml")
    record = result.record

    assert record.local_id == "diva2:1367988"
    assert record.title == "Intimate relationships as perceived by patients with early rheumatoid arthritis"
    assert record.subtitle == "A qualitative interview study (The Swedish TIRA study)"
    assert (record.title_language, record.language) == ("eng", "eng")
    assert (record.output_type, record.content_type) == ("conference/other", "refereed")
    assert record.issued == "2014"
    assert record.publisher == "BMJ Publishing Group Ltd"
    assert record.journal.model_dump() == {
        "title": "ANNALS OF THE RHEUMATIC DISEASES",
        "issn": "0003-4967",
        "eissn": "1468-2060",
        "publisher": "",
        "kind": "series",
    }
    assert record.host_title == ""
    assert record.article_number == "AB1157-HPR"
    assert (
        record.conference
        == "15th Annual European Congress of Rheumatology (EULAR), Paris, FRANCE, JUN 11-14, 201"
    )
    assert record.subjects == ["30399"]
    assert identifiers(result) == [
        ("urn", "http://urn.kb.se/resolve?urn=urn:nbn:se:liu:diva-161552"),
        ("isi", "000346919806500"),
        ("oai", "oai:DiVA.org:liu-161552"),
    ]
    assert (record.created, record.available_from, record.last_updated) == (
        dt.date(2019, 11, 5),
        dt.date(2016, 9, 29),
        dt.date(2019, 11, 5),  # no recordChangeDate: the header's datestamp
    )
    assert contributors(result) == [
        {
            "family_name": "Östlund",
            "given_name": "Gunnel",
            "person": {"orcid": "0000-0002-3068-5384", "birth_year": 1956},
            "affiliations": [{"text": "Mälardalens högskola, Hälsa och välfärd, Sverige"}],
        },
        {
            "family_name": "Björk",
            "given_name": "Mathilda",
            "person": {
                "orcid": "0000-0002-1607-187X",
                "local_id": "liu:matth80",
                "authority_id": "diva:authority-person:24220",
                "birth_year": 1977,
            },
            "affiliations": [
                {"organisation": "liu:10350", "text": "Östergötlands Läns Landsting, Rehabenheten"}
            ],
        },
        {
            "family_name": "Valtersson",
            "given_name": "Eva",
            "affiliations": [
                {"organisation": "liu:8059", "text": "Östergötlands Läns Landsting, Rehabgruppen NSC"}
            ],
        },
        {
            "family_name": "Sverker",
            "given_name": "Annette",
            "person": {
                "local_id": "liu:annsv50",
                "authority_id": "diva:authority-person:27062",
                "birth_year": 1958,
            },
            "affiliations": [
                {"organisation": "liu:9150", "text": "Linköpings universitet, Socialt arbete"},
                {"organisation": "liu:1750", "text": "Linköpings universitet, Filosofiska fakulteten"},
                {
                    "organisation": "liu:13361",
                    "text": "Linköpings universitet, Avdelningen för samhällsmedicin",
                },
                {"organisation": "liu:8059", "text": "Östergötlands Läns Landsting, Rehabgruppen NSC"},
                {"organisation": "liu:1800", "text": "Linköpings universitet, Hälsouniversitetet"},
            ],
        },
    ]
    assert result.organisations[:3] == (
        OrganisationPath(
            "liu:10350", ("Östergötlands Läns Landsting", "Hjärt- och Medicincentrum", "Rehabenheten")
        ),
        OrganisationPath(
            "liu:8059",
            ("Östergötlands Läns Landsting", "Närsjukvården i centrala Östergötland", "Rehabgruppen NSC"),
        ),
        OrganisationPath(
            "liu:9150",
            ("Linköpings universitet", "Institutionen för samhälls- och välfärdsstudier", "Socialt arbete"),
        ),
    )
    assert len(result.organisations) == 6


def test_map_mods_kth_thesis_maps_series_supervisors_and_paragraphs(db):
    result = mapped("kth-new-diva.xml")
    record = result.record

    assert record.local_id == "diva2:1343393"
    assert record.title == (
        "Inkjet Printing of Graphene-based Microsupercapacitors for Miniaturized Energy Storage Applications"
    )
    assert record.subtitle == ""
    assert (record.output_type, record.content_type) == ("publication/doctoral-thesis", "other-academic")
    assert record.journal.model_dump() == {
        "title": "TRITA-EECS-AVL",
        "issn": "",
        "eissn": "",
        "publisher": "",
        "kind": "series",
    }
    assert record.series_number == "2019:61"
    assert record.page_count == 73
    assert record.publisher == "KTH Royal Institute of Technology"
    assert identifiers(result) == [
        ("isbn", "978-91-7873-255-5"),
        ("urn", "http://urn.kb.se/resolve?urn=urn:nbn:se:kth:diva-256035"),
        ("oai", "oai:DiVA.org:kth-256035"),
    ]
    assert record.subjects == ["202"]
    assert [f.name for f in record.funders] == ["Vetenskapsrådet"]
    assert record.notes[:3] == [
        "QC 20190816",
        "Härtill 4 uppsatser",
        "Diss. (sammanfattning) Stockholm : Kungliga Tekniska högskolan, 2019",
    ]
    abstract = record.abstracts[0]
    assert abstract.language == "eng"
    assert abstract.text.count("\n") == 5  # six <p>s, one a line
    assert abstract.text.startswith(
        "Printing technologies are becoming increasingly popular because they enable"
    )
    assert "power density of 80 mW cm-3." in abstract.text
    assert record.keywords[0].model_dump() == {
        "language": "eng",
        "terms": [
            "Inkjet printing",
            "graphene",
            "supercapacitor",
            "microsupercapacitor",
            "energy storage",
            "printed electronics",
            "printing technologies",
        ],
    }
    assert [(c.family_name, c.given_name, c.role) for c in record.contributors] == [
        ("Sollami Delekta", "Szymon", "aut"),
        ("Östling", "Mikael", "ths"),
        ("Li", "Jiantong", "ths"),
        ("Lupo", "Donald", "opn"),
    ]
    first = record.contributors[0]
    assert first.person.model_dump() == {
        "orcid": "0000-0001-9329-9088",
        "local_id": "kth:u1qvds70",
        "authority_id": "",
        "birth_year": 1990,
    }
    assert [a.model_dump() for a in first.affiliations] == [
        {"organisation": "kth:879249", "text": "KTH, Elektronik"}
    ]
    assert result.organisations == (
        OrganisationPath(
            "kth:879249", ("KTH", "Skolan för elektroteknik och datavetenskap (EECS)", "Elektronik")
        ),
    )


def test_map_mods_rise_article_maps_journal_volume_issue_and_identifiers(db):
    result = mapped("rise-new-diva.xml")
    record = result.record

    assert record.local_id == "diva2:1343745"
    assert record.subtitle == "A systematic review protocol"
    assert (record.output_type, record.content_type, record.publication_status) == (
        "publication/journal-article",
        "refereed",
        "published",
    )
    assert record.journal.model_dump() == {
        "title": "Environmental Evidence",
        "issn": "2047-2382",
        "eissn": "2047-2382",
        "publisher": "",
        "kind": "journal",
    }
    assert (record.volume, record.issue, record.article_number) == ("8", "1", "29")
    assert (record.pages_start, record.pages_end) == ("", "")
    assert identifiers(result) == [
        ("urn", "http://urn.kb.se/resolve?urn=urn:nbn:se:ri:diva-39788"),
        ("doi", "10.1186/s13750-019-0173-3"),
        ("scopus", "2-s2.0-85070189379"),
        ("oai", "oai:DiVA.org:ri-39788"),
    ]
    assert record.subjects == ["1"]
    assert [c.family_name for c in record.contributors] == [
        "Macura",
        "Johannesdottir",
        "Piniewski",
        "Haddaway",
        "Kvarnström",
    ]
    assert contributors(result)[4] == {
        "family_name": "Kvarnström",
        "given_name": "Elisabeth",
        "person": {
            "orcid": "0000-0002-3966-0511",
            "local_id": "ri:elisabeth.kvarnstrom@ri.se",
            "authority_id": "diva:authority-person:60372",
        },
        "affiliations": [
            {
                "organisation": "ri:877024",
                "text": "RISE - Research Institutes of Sweden, Energi och cirkulär ekonomi",
            }
        ],
    }
    assert record.notes[0].startswith("Funding details: Suomen Ympäristökeskus;")


def test_map_mods_lund_swepub_record_maps_output_type_and_structured_affiliation(db):
    result = mapped("lund.xml")
    record = result.record

    # no recordIdentifier: the local id comes from the OAI identifier
    assert record.local_id == "lup:3070384e-0534-4580-aa7f-0da5c79f6594"
    assert record.output_type == "publication/journal-article"  # genre authority="kb.se" type="outputType"
    assert record.issued == "1999-08-01"
    assert record.journal.title == "Proteins: Structure, Function and Genetics"
    assert (record.journal.issn, record.journal.eissn) == ("0887-3585", "")
    assert (record.volume, record.issue, record.pages_start, record.pages_end) == ("36", "2", "157", "174")
    assert record.page_count == 18
    assert ("scopus", "2-s2.0-0033180952") in identifiers(result)
    assert record.subjects == ["10407"]
    assert (record.created, record.last_updated) == (dt.date(2017, 2, 4), dt.date(2019, 2, 20))
    assert record.keywords[0].terms[-1] == "Mixed <blink>text</blink>"
    assert contributors(result) == [
        {
            "family_name": "De Kerpel",
            "given_name": "Jan O A",
            "affiliations": [{"text": "Catholic University of Leuven"}],
        },
        {
            "family_name": "Ryde",
            "given_name": "Ulf",
            "person": {"local_id": "lu:teok-ury"},
            "affiliations": [{"organisation": "lu:v1000659", "text": "Teoretisk kemi"}],
        },
    ]
    assert result.organisations == (OrganisationPath("lu:v1000659", ("Lunds universitet", "Teoretisk kemi")),)


def test_map_mods_artistic_output_with_creator_roles_maps_author(db):
    record = mapped("konstfack-new-diva.xml").record

    assert (record.output_type, record.content_type) == ("artistic-work/original-creative-work", "refereed")
    assert (record.place, record.page_count) == ("Stockholm", 24)
    assert [(c.family_name, c.role) for c in record.contributors] == [("Heberling", "aut")]


def test_map_mods_escaped_html_abstract_maps_plain_text(db):
    record = mapped("diva_kth.xml").record

    assert record.abstracts[0].text.startswith("Dynamic steady-state small-scale yielding crack propagation")
    assert "<" not in record.abstracts[0].text
    assert "10–3–10–5" in record.abstracts[0].text


def test_map_mods_alternative_title_maps_alternative_titles(db):
    record = mapped("dedup.xml").record

    assert record.title == "Phonetic Characteristics of Domestic Cat Vocalisations"
    assert [t.model_dump() for t in record.alternative_titles] == [
        {"language": "", "title": "Fonetiska drag hos tamkattens vokaliseringar", "subtitle": ""}
    ]


@pytest.mark.parametrize(
    ("name", "oai_file"),
    [
        ("diva-kth-256035.mods.xml", "kth-new-diva.xml"),
        ("diva-liu-161552.mods.xml", "liu-new-diva.xml"),
        ("diva-ri-39788.mods.xml", "rise-new-diva.xml"),
    ],
)
def test_map_mods_standalone_file_maps_as_harvested_record_without_header(db, name, oai_file):
    standalone = read_records(DIVA_MODS / name)[0].map().record
    harvested = mapped(oai_file).record

    assert standalone.identifiers == [i for i in harvested.identifiers if i.scheme != "oai"]
    assert standalone.model_dump(exclude={"identifiers", "last_updated"}) == harvested.model_dump(
        exclude={"identifiers", "last_updated"}
    )


def record_of(path, local_id: str):
    return next(r for s in read_records(path) if (r := s.map().record).local_id == local_id)


def test_map_mods_two_host_items_map_as_one_journal_with_its_part(db):
    """DiVA sends the part (volume, issue, pages) and the journal (title, ISSN) as two host relatedItems."""
    record = record_of(TESTDATA / "diva-more" / "test_diva_version_from_host.xml", "diva2:1085431")

    assert (record.journal.title, record.journal.issn) == ("ACS ENERGY LETTERS", "2380-8195")
    assert (record.volume, record.issue, record.pages_start, record.pages_end) == ("2", "2", "497", "503")


def test_map_mods_host_items_of_grants_are_not_the_journal_and_an_eissn_label_is_the_eissn(db):
    record = record_of(TESTDATA / "diva-more" / "legacy_search.xml", "diva:hh-41721")

    assert record.journal.model_dump() == {
        "title": "Science of the Total Environment",
        "issn": "0048-9697",
        "eissn": "1879-1026",
        "publisher": "",
        "kind": "journal",
    }
    assert record.volume == "716"


def test_map_mods_full_text_links_and_access_condition(db):
    record = record_of(DIVA_SWEPUB / "dedup.xml", "diva:umu-121139")
    assert [link.model_dump() for link in record.links] == [
        {"url": "https://doi.org/10.1371/journal.pone.0155045", "label": "Fulltext", "free": True},
        {
            "url": "http://umu.diva-portal.org/smash/get/diva2:931243/FULLTEXT01.pdf",
            "label": "fulltext:print",
            "free": True,
        },
    ]
    gratis = record_of(DIVA_SWEPUB / "obsolete-test-listrecords.xml", "diva:kth-289495")
    assert gratis.access_condition == "gratis"
    assert gratis.licence == ""


def test_map_mods_conference_is_its_name_parts_without_its_role(db):
    record = record_of(TESTDATA / "diva-more" / "mau.xml", "muep:2043_22414")

    assert (
        record.conference == "Advances in Computer Entertainment (November 11-14, 2014 : Funchal, Portugal)"
    )
