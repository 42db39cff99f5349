"""WSGI entry point for gunicorn and other servers."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "samla.settings")
application = get_wsgi_application()

# Only server workers import this module (not tests or management commands): build the citation engines
# readers will want first, in a background thread of the worker (docs/citations.md). Each worker must own
# its V8 context, so do not run gunicorn with --preload (the context would be shared across a fork).
from samla.citations.services import warm_up_worker  # noqa: E402

warm_up_worker()
