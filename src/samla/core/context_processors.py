from django.conf import settings
from django.utils.functional import SimpleLazyObject

from .access import can
from .views import actor_for


def repository(request):
    """The repository's name on every page."""
    return {"repository_name": settings.REPOSITORY_NAME}


def reviewing(request):
    """Whether to link the review queue from the header: asked only when a signed-in page renders the
    header (lazily, so an anonymous page loads no roles)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"may_review": False}
    return {"may_review": SimpleLazyObject(lambda: can(actor_for(request), "record.review"))}
