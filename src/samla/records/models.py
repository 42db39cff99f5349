"""The publication record and the rows it is made of.

Single-valued facts are columns. Lists that link to other entities (contributors and their affiliations,
identifiers, subject categories) are tables so they can be queried and joined. Per-language texts
(abstracts, keywords, alternative titles), funders and notes are JSON validated by `records.schemas`.
Only `records.services` writes these models.
"""

import json

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from samla.vocabularies.licences import licence_choices, licences
from samla.vocabularies.output_types import output_type_choices, output_types
from samla.vocabularies.record_terms import (
    ACCESS_CONDITIONS,
    CONTENT_TYPES,
    CONTRIBUTOR_ROLES,
    PUBLICATION_STATUSES,
    RECORD_STATES,
    RELATION_CHOICES,
)


class Record(models.Model):
    local_id = models.CharField(max_length=64, unique=True, help_text='e.g. "diva2:1897829"')
    state = models.CharField(max_length=12, choices=RECORD_STATES, default="published", db_index=True)

    title = models.TextField()
    subtitle = models.TextField(blank=True)
    title_language = models.CharField(max_length=3, blank=True, help_text="ISO 639-3")
    alternative_titles = models.JSONField(default=list, blank=True)

    output_type = models.CharField(max_length=60, choices=output_type_choices(), db_index=True)
    content_type = models.CharField(max_length=20, choices=CONTENT_TYPES, blank=True)
    publication_status = models.CharField(max_length=24, choices=PUBLICATION_STATUSES, blank=True)
    language = models.CharField(max_length=3, blank=True, help_text="ISO 639-3", db_index=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True, db_index=True)
    issued = models.CharField(max_length=10, blank=True, help_text="YYYY, YYYY-MM or YYYY-MM-DD")

    journal = models.ForeignKey(
        "journals.Journal", null=True, blank=True, on_delete=models.PROTECT, related_name="records"
    )
    host_title = models.TextField(blank=True, help_text="The book or proceedings a part appears in")
    volume = models.CharField(max_length=40, blank=True)
    issue = models.CharField(max_length=40, blank=True)
    article_number = models.CharField(max_length=40, blank=True)
    pages_start = models.CharField(max_length=20, blank=True)
    pages_end = models.CharField(max_length=20, blank=True)
    page_count = models.PositiveIntegerField(null=True, blank=True)
    publisher = models.CharField(max_length=300, blank=True)
    place = models.CharField(max_length=200, blank=True)
    edition = models.CharField(max_length=60, blank=True)
    series_number = models.CharField(max_length=40, blank=True)
    conference = models.TextField(blank=True)

    abstracts = models.JSONField(default=list, blank=True)  # [{"language": "eng", "text": "…"}]
    keywords = models.JSONField(default=list, blank=True)  # [{"language": "eng", "terms": ["…"]}]
    funders = models.JSONField(default=list, blank=True)  # [{"name": "Forte", "grant": "2018-01431"}]
    notes = models.JSONField(default=list, blank=True)  # ["CC BY 4.0", …]
    licence = models.CharField(max_length=20, choices=licence_choices(), blank=True)
    # The publication's full text elsewhere: [{"url": "https://…", "label": "fulltext", "free": true}]
    # (MODS location/url; "free" is DiVA's note="free").
    links = models.JSONField(default=list, blank=True)
    access_condition = models.CharField(max_length=12, choices=ACCESS_CONDITIONS, blank=True)
    # Problems with values as the source gave them (`records.schemas.QualityFlag`), for curators: a flagged
    # identifier is kept here, as given, and not among `identifiers`, so no reader or harvester takes it
    # for a valid one.
    quality_flags = models.JSONField(default=list, blank=True)
    subjects = models.ManyToManyField("vocabularies.SubjectCategory", blank=True, related_name="records")

    created = models.DateField(help_text="When the record was created in the repository")
    available_from = models.DateField(null=True, blank=True)
    last_updated = models.DateField()
    approved = models.BooleanField("bibliographically approved", default=False)
    revision = models.PositiveIntegerField(default=1, help_text="Bumped by every change")
    # When the stored record last changed, to the second: the datestamp harvesters see (indexed with
    # the id, as OAI-PMH pages read them: Meta.indexes).
    datestamp = models.DateTimeField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="records"
    )
    # Where each field's value came from and when (`records.services.merging`): {field: entry}, "*" the
    # entry of every field not named. One column, so a bulk import writes no row per field.
    provenance = models.JSONField(default=dict, blank=True)
    withdrawn_reason = models.CharField(max_length=300, blank=True, help_text="Shown on the record's page")

    class Meta:
        ordering = ["-year", "title"]
        indexes = [models.Index(fields=["datestamp", "id"])]

    def __str__(self) -> str:
        return f"{self.local_id}: {self.title}"

    def get_absolute_url(self) -> str:
        return reverse("records:detail", args=[self.local_id])

    @property
    def full_title(self) -> str:
        return f"{self.title}: {self.subtitle}" if self.subtitle else self.title

    @property
    def output_type_info(self):
        return output_types()[self.output_type]

    @property
    def licence_info(self):
        return licences().get(self.licence)

    @property
    def pages(self) -> str:
        if self.pages_start and self.pages_end:
            return f"{self.pages_start}-{self.pages_end}"
        return self.pages_start


class Contribution(models.Model):
    """One person's or body's part in a record, in the order the publication lists them."""

    # Not indexed alone: unique_contribution_position starts with it (migration 0004).
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="contributions", db_index=False)
    position = models.PositiveSmallIntegerField()
    role = models.CharField(max_length=3, choices=CONTRIBUTOR_ROLES, default="aut")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.PROTECT, related_name="contributions"
    )
    # The name as printed on this publication; for a body, only family_name holds its name.
    family_name = models.CharField(max_length=200)
    given_name = models.CharField(max_length=200, blank=True)
    is_organisation = models.BooleanField(default=False)

    class Meta:
        ordering = ["record", "position"]
        constraints = [
            models.UniqueConstraint(fields=["record", "position"], name="unique_contribution_position")
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()

    @property
    def inverted_name(self) -> str:
        return f"{self.family_name}, {self.given_name}" if self.given_name else self.family_name


class ContributionAffiliation(models.Model):
    """An affiliation as stated on the publication, linked to an organisation when it is known here."""

    contribution = models.ForeignKey(Contribution, on_delete=models.CASCADE, related_name="affiliations")
    position = models.PositiveSmallIntegerField()
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="affiliations",
    )
    text = models.TextField(blank=True, help_text="Free text for external affiliations")

    class Meta:
        ordering = ["contribution", "position"]

    def __str__(self) -> str:
        return self.text or str(self.organisation)


class Identifier(models.Model):
    """A persistent identifier of the record, or (with `relation`) of a related work.

    The second use follows DataCite's relatedIdentifier: the related work is named by its identifier and,
    when it is a record here too, linked through `related_record`.
    """

    SCHEMES = [
        ("urn", "URN"),
        ("doi", "DOI"),
        ("isi", "ISI"),
        ("pmid", "PubMedID"),
        ("scopus", "Scopus ID"),
        ("isbn", "ISBN"),
        ("issn", "ISSN"),
        ("oai", "OAI"),
        ("handle", "Handle"),
        ("arxiv", "arXiv"),
        ("uri", "URI"),
        ("local", "Local"),
    ]

    # Not indexed alone: unique_identifier_per_record starts with it.
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="identifiers", db_index=False)
    scheme = models.CharField(max_length=10, choices=SCHEMES)
    value = models.CharField(max_length=300)
    relation = models.CharField(max_length=24, choices=RELATION_CHOICES, blank=True)
    related_record = models.ForeignKey(
        Record, null=True, blank=True, on_delete=models.SET_NULL, related_name="related_from"
    )
    label = models.TextField(blank=True, help_text="How a related work is described (title, citation)")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["record", "relation", "position"]
        indexes = [
            models.Index(fields=["value", "scheme"]),
            # Relations are few: finding those that name a new record's identifiers reads only them.
            models.Index(fields=["value"], condition=~Q(relation=""), name="records_relation_value"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "value"],
                condition=Q(relation="", scheme__in=["oai", "urn"]),
                name="unique_repository_identifier",
            ),
            models.UniqueConstraint(
                fields=["record", "scheme", "value", "relation"], name="unique_identifier_per_record"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.scheme}:{self.value}"


class Revision(models.Model):
    """One change to a record: who, when, and each changed field's old and new value.

    A transition (`records.services.lifecycle`) names its `action` ("submit", "return"…) and the
    curator's message or reason; an import names its `source` (format and run). The new columns have
    database defaults, so the batch writers' plain INSERTs (`rows.insert_rows`) need not name them."""

    # Not indexed alone: unique_revision_number starts with it.
    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="revisions", db_index=False)
    number = models.PositiveIntegerField()
    at = models.DateTimeField()
    actor = models.CharField(max_length=150)
    summary = models.CharField(max_length=200, blank=True)
    changes = models.JSONField(default=dict)
    action = models.CharField(max_length=20, blank=True, default="", db_default="")
    message = models.TextField(blank=True, default="", db_default="")
    source = models.CharField(max_length=80, blank=True, default="", db_default="")
    # The person who made it (jobs have none), and the interface language they made it in: what
    # notifications to them are written in (`records.notifications.recipient_language`).
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    language = models.CharField(max_length=8, blank=True, default="", db_default="")

    class Meta:
        ordering = ["record", "-number"]
        constraints = [models.UniqueConstraint(fields=["record", "number"], name="unique_revision_number")]

    def __str__(self) -> str:
        return f"{self.record_id} r{self.number} by {self.actor}"


class ImportRun(models.Model):
    """One `samla import` or `samla harvest` run: what field provenance and proposed changes point to."""

    command = models.CharField(max_length=20)  # "import" or "harvest"
    source = models.TextField(help_text="The files imported or the OAI-PMH base URL harvested")
    actor = models.CharField(max_length=150)
    started = models.DateTimeField()
    finished = models.DateTimeField(null=True, blank=True)
    counts = models.JSONField(default=dict, blank=True)  # {"created": 2, "updated": 0, …}

    class Meta:
        ordering = ["-started"]

    def __str__(self) -> str:
        return f"{self.command} #{self.pk} {self.source[:60]}"


class ProposedChange(models.Model):
    """A source's value for a field a person edited: kept beside the record until a curator decides."""

    DECISIONS = [("", "pending"), ("accepted", "accepted"), ("rejected", "rejected")]

    record = models.ForeignKey(Record, on_delete=models.CASCADE, related_name="proposed_changes")
    field = models.CharField(max_length=40)
    source = models.CharField(max_length=60, help_text='The format it came in, e.g. "mods" or "oai_dc"')
    run = models.ForeignKey(ImportRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    value = models.JSONField(null=True)
    created = models.DateTimeField()
    decision = models.CharField(max_length=10, choices=DECISIONS, blank=True, db_index=True)
    decided_by = models.CharField(max_length=150, blank=True)
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["record", "field", "created"]

    def __str__(self) -> str:
        return f"{self.record_id} {self.field} from {self.source}: {self.decision or 'pending'}"

    @property
    def value_text(self) -> str:
        return _shown(self.value)

    @property
    def current_text(self) -> str:
        """The record's value of the field, as `list_proposals` set it in `current`."""
        return _shown(getattr(self, "current", None))


def _shown(value: object) -> str:
    """A field value as curators read it: text as it is, anything else as JSON."""
    if isinstance(value, str):
        return value
    return "" if value is None else json.dumps(value, ensure_ascii=False, indent=1)
