from django.conf import settings


def repository(request):
    """The repository's name on every page."""
    return {"repository_name": settings.REPOSITORY_NAME}
