"""OAI-PMH sets: hierarchical by organisation, publication type and SSIF category, plus `openaire` and
`swepub`. A setSpec's colons are its hierarchy ("ssif:5:502:50202" lies in "ssif:5:502" and "ssif:5")."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property

from django.db.models import Q

from samla.organisations.models import Organisation
from samla.organisations.services import descendant_ids
from samla.records.models import ContributionAffiliation, Record
from samla.vocabularies.models import SubjectCategory
from samla.vocabularies.output_types import output_types

from .protocol import OaiError
from .swepub import swepub_filter, swepub_problems

SPEC = re.compile(r"^[A-Za-z0-9\-_.!~*'()]+(:[A-Za-z0-9\-_.!~*'()]+)*$")


@dataclass(frozen=True)
class OaiSet:
    spec: str
    name: str
    description: str = ""


FLAT_SETS = [
    OaiSet(
        "openaire",
        "OpenAIRE",
        "Published records with an open licence, for the OpenAIRE Guidelines for Literature Repositories.",
    ),
    OaiSet(
        "swepub",
        "Swepub",
        "Published records that Swepub's minimum-level filter accepts (a named author, editor or "
        "organisation, content type, date, language, a host for articles and chapters and none for books) "
        "and that have an SSIF category.",
    ),
]


class SetIndex:
    """Set names and memberships for one request; organisations and categories are read once."""

    def __init__(self) -> None:
        self._organisation_paths: dict[int, tuple[int, ...]] = {}
        self._category_paths: dict[str, tuple[str, ...]] = {}

    @cached_property
    def organisations(self) -> dict[int, Organisation]:
        return {o.pk: o for o in Organisation.objects.only("pk", "parent_id", "name_en")}

    @cached_property
    def categories(self) -> dict[str, SubjectCategory]:
        return {c.code: c for c in SubjectCategory.objects.only("code", "parent_id", "label_en")}

    @cached_property
    def _organisation_parents(self) -> dict[int, int | None]:
        return dict(Organisation.objects.values_list("pk", "parent_id"))

    @cached_property
    def _category_parents(self) -> dict[str, str | None]:
        return dict(SubjectCategory.objects.values_list("code", "parent_id"))

    def organisation_path(self, organisation_id: int) -> list[int]:
        return list(_path(self._organisation_parents, organisation_id, self._organisation_paths))

    def category_path(self, code: str) -> list[str]:
        return list(_path(self._category_parents, code, self._category_paths))

    def all_sets(self) -> Iterator[OaiSet]:
        yield from FLAT_SETS
        yield OaiSet("type", "Publication types")
        groups = {}
        for code, output_type in output_types().items():
            group, sub = code.split("/", 1)
            if group not in groups:
                groups[group] = True
                yield OaiSet(f"type:{group}", group.replace("-", " ").capitalize())
            yield OaiSet(f"type:{group}:{sub}", output_type.label_en)
        yield OaiSet("ssif", "National subject categories (SSIF)")
        for code, category in sorted(self.categories.items()):
            yield OaiSet("ssif:" + ":".join(self.category_path(code)), category.label_en)
        yield OaiSet("org", "Organisations")
        for pk, organisation in sorted(self.organisations.items()):
            yield OaiSet("org:" + ":".join(str(p) for p in self.organisation_path(pk)), organisation.name_en)

    def filter_for(self, spec: str) -> Q:
        """The records in set `spec`; noRecordsMatch-free: an unknown set is badArgument."""
        if not SPEC.match(spec):
            raise OaiError("badArgument", f"{spec[:100]!r} is not a setSpec.")
        head, *rest = spec.split(":")
        if head == "openaire" and not rest:
            return Q(state="published") & ~Q(licence="")
        if head == "swepub" and not rest:
            return swepub_filter()
        if head == "type":
            return self._type_filter(rest, spec)
        if head == "ssif":
            return self._ssif_filter(rest, spec)
        if head == "org":
            return self._org_filter(rest, spec)
        raise OaiError("badArgument", f"There is no set {spec[:100]!r}.")

    def _type_filter(self, rest: list[str], spec: str) -> Q:
        if not rest:
            return Q()
        prefix = "/".join(rest)
        if len(rest) > 2 or not any(
            code == prefix or code.startswith(prefix + "/") for code in output_types()
        ):
            raise OaiError("badArgument", f"There is no set {spec[:100]!r}.")
        return Q(output_type=prefix) if len(rest) == 2 else Q(output_type__startswith=prefix + "/")

    def _ssif_filter(self, rest: list[str], spec: str) -> Q:
        if not rest:
            return Q(pk__in=Record.subjects.through.objects.values("record_id"))
        if self.category_path(rest[-1]) != rest:
            raise OaiError("badArgument", f"There is no set {spec[:100]!r}.")
        return Q(
            pk__in=Record.subjects.through.objects.filter(subjectcategory__code__startswith=rest[-1]).values(
                "record_id"
            )
        )

    def _org_filter(self, rest: list[str], spec: str) -> Q:
        if not rest:
            return Q(
                pk__in=ContributionAffiliation.objects.exclude(organisation=None).values(
                    "contribution__record_id"
                )
            )
        if not all(part.isdigit() for part in rest) or self.organisation_path(int(rest[-1])) != [
            int(p) for p in rest
        ]:
            raise OaiError("badArgument", f"There is no set {spec[:100]!r}.")
        below = self.descendants(int(rest[-1]))
        affiliated = ContributionAffiliation.objects.filter(organisation_id__in=below)
        return Q(pk__in=affiliated.values("contribution__record_id"))

    def descendants(self, organisation_id: int) -> list[int]:
        return descendant_ids(self._organisation_parents, organisation_id)

    def specs_of(self, record: Record) -> list[str]:
        """The setSpecs a record's header lists: its most specific sets (the hierarchy implies the rest)."""
        group, sub = record.output_type.split("/", 1)
        specs = [f"type:{group}:{sub}"]
        specs += ["ssif:" + ":".join(self.category_path(s.code)) for s in record.subjects.all()]
        organisations = {
            a.organisation_id
            for c in record.contributions.all()
            for a in c.affiliations.all()
            if a.organisation_id
        }
        specs += sorted("org:" + ":".join(map(str, self.organisation_path(o))) for o in organisations)
        if record.state == "published" and record.licence:
            specs.append("openaire")
        if not swepub_problems(record):
            specs.append("swepub")
        return specs


def _path(parents: dict, key, known: dict) -> tuple:
    """`key` and its ancestors in `parents`, top first (a cycle stops where it closes); remembered in
    `known`, since a page's records name the same units and categories over and over."""
    if key not in known:
        path, current = [], key
        while current in parents and current not in path:
            path.append(current)
            current = parents[current]
        known[key] = tuple(path[::-1])
    return known[key]
