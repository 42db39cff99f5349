"""The record's small closed vocabularies: content types, publication statuses, roles, identifier relations.

Labels are the ones DiVA shows, marked for translation; the codes are what is stored and exported.
"""

from django.utils.translation import gettext_lazy as _

CONTENT_TYPES = [
    ("refereed", _("Refereed")),
    ("other-academic", _("Other academic")),
    ("popular-science", _("Other (popular science, discussion, etc.)")),
]

PUBLICATION_STATUSES = [
    ("published", _("Published")),
    ("epub-ahead-of-print", _("Epub ahead of print")),
    ("in-press", _("In press")),
    ("accepted", _("Accepted")),
    ("submitted", _("Submitted")),
    ("unpublished", _("Unpublished")),
    ("preprint", _("Preprint")),
    ("retracted", _("Retracted")),
]

# Access to the publication elsewhere, as Swepub's accessCondition codes it (DiVA sends "gratis" for
# a publication free to read at one of its full-text links).
ACCESS_CONDITIONS = [
    ("gratis", _("Free")),
    ("restricted", _("Restricted")),
]

# MARC relator codes, as DiVA's MODS uses them.
CONTRIBUTOR_ROLES = [
    ("aut", _("Author")),
    ("edt", _("Editor")),
    ("ths", _("Supervisor")),
    ("opn", _("Opponent")),
    ("exm", _("Examiner")),
    ("ctb", _("Contributor")),
    ("trl", _("Translator")),
    ("pbd", _("Publishing director")),
]

# A record's states; `records.services.lifecycle` holds the one table of the moves between them.
RECORD_STATES = [
    ("draft", _("Draft")),
    ("submitted", _("Submitted")),
    ("returned", _("Returned")),
    ("published", _("Published")),
    ("withdrawn", _("Withdrawn")),
]

# Relations between works, each with its inverse; the service stores both directions.
RELATIONS = {
    "has-correction": ("is-correction-of", _("Correction")),
    "is-correction-of": ("has-correction", _("Corrects")),
    "is-part-of": ("has-part", _("Part of")),
    "has-part": ("is-part-of", _("Has part")),
    "is-version-of": ("has-version", _("Version of")),
    "has-version": ("is-version-of", _("Has version")),
    "is-supplement-to": ("is-supplemented-by", _("Supplement to")),
    "is-supplemented-by": ("is-supplement-to", _("Supplemented by")),
    "is-review-of": ("is-reviewed-by", _("Review of")),
    "is-reviewed-by": ("is-review-of", _("Reviewed by")),
    "has-retraction": ("is-retraction-of", _("Retraction")),
    "is-retraction-of": ("has-retraction", _("Retracts")),
}
RELATION_CHOICES = [(code, label) for code, (_inverse, label) in RELATIONS.items()]
