"""Reading vocabularies stored in the database."""

from samla.core.errors import NotFound

from .models import SubjectCategory


def get_subject_category(code: str) -> SubjectCategory:
    category = SubjectCategory.objects.select_related("parent").filter(code=code[:8]).first()
    if category is None:
        raise NotFound(f"No subject category {code[:8]!r}.")
    return category
