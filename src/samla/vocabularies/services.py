"""Reading vocabularies stored in the database."""

from django.utils.translation import gettext

from samla.core.errors import NotFound

from .models import SubjectCategory


def get_subject_category(code: str) -> SubjectCategory:
    category = SubjectCategory.objects.select_related("parent").filter(code=code[:8]).first()
    if category is None:
        raise NotFound(gettext("No subject category %(code)s.") % {"code": repr(code[:8])})
    return category
