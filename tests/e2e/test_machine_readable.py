"""The seed record page read by the tools that read record pages: the `signposting` package (FAIR
Signposting in the Link header and in <link> elements), lxml XPath over the Highwire tags Google Scholar
reads, and extruct for the embedded schema.org JSON-LD."""

import urllib.request

import extruct
import signposting
from lxml import html

SEED = "/record/diva2:1897829"


def test_signposting_finds_cite_as_describedby_and_author(live_url):
    for found in (
        signposting.find_signposting_http(live_url + SEED),
        signposting.find_signposting_html(live_url + SEED),
    ):
        assert str(found.citeAs.target) == "https://urn.kb.se/resolve?urn=urn:nbn:se:his:diva-24521"
        described = {str(link.type): str(link.target) for link in found.describedBy}
        assert described["application/x-bibtex"] == live_url + "/record/diva2:1897829/export/bibtex"
        assert len(described) == 11
        assert [str(a.target) for a in found.authors] == ["https://orcid.org/0000-0003-4364-9814"]
        assert str(found.license.target) == "https://creativecommons.org/licenses/by/4.0/"


def test_highwire_tags_carry_the_citation(live_url):
    page = html.fromstring(urllib.request.urlopen(live_url + SEED).read())

    def tag(name: str) -> list[str]:
        return page.xpath(f'//meta[@name="{name}"]/@content')

    assert tag("citation_title") == [
        "The complexity of leadership in coproduction practices: "
        "a guiding framework based on a systematic literature review"
    ]
    assert tag("citation_author") == ["Kjellström, Sofia", "Sarre, Sophie", "Masterson, Daniel"]
    assert tag("citation_journal_title") == ["BMC Health Services Research"]
    assert tag("citation_issn") == ["1472-6963"]
    assert (tag("citation_volume"), tag("citation_issue"), tag("citation_firstpage")) == (
        ["24"],
        ["1"],
        ["219"],
    )
    assert tag("citation_doi") == ["10.1186/s12913-024-10549-4"]
    assert tag("citation_publication_date") == ["2024"]
    assert tag("DC.identifier")[0] == "https://urn.kb.se/resolve?urn=urn:nbn:se:his:diva-24521"
    assert "rft.atitle=The+complexity" in page.xpath('//span[@class="Z3988"]/@title')[0]


def test_extruct_finds_the_json_ld(live_url):
    body = urllib.request.urlopen(live_url + SEED).read().decode()
    (item,) = extruct.extract(body, base_url=live_url + SEED, syntaxes=["json-ld"])["json-ld"]
    assert item["@context"] == "https://schema.org"
    assert item["name"].startswith("The complexity of leadership")
    assert item["@type"] == "ScholarlyArticle"
    assert [a["name"] for a in item["author"]] == ["Sofia Kjellström", "Sophie Sarre", "Daniel Masterson"]
