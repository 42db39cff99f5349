"""A bibliography of a list as a download (`jobs.downloads`): streamed within a request's limits, or made
by a job. Registered as the kind "bibliography" by `CitationsConfig.ready`.
"""

from __future__ import annotations

from django.http import QueryDict

from samla.core.access import Actor
from samla.core.limits import Limit
from samla.jobs.downloads import Download, DownloadSpec, Progress
from samla.search.presentation import request_data
from samla.search.services import parse_params

from .forms import PARAMETERS, CiteQuery
from .services import PROCESSOR, cite_list, cite_search


def bibliography_download(
    actor: Actor, spec: DownloadSpec, query: QueryDict, limit: Limit, progress: Progress | None
) -> Download:
    """The spec's list as a bibliography in the style, locale and output the query asks for."""
    cite = CiteQuery.from_query(query)
    options = {"style": cite.style, "locale": cite.locale, "output": cite.output}
    if spec.scope == "search":
        search = query.copy()
        for name in PARAMETERS:
            search.pop(name, None)
        params = parse_params(request_data(search))
        found = cite_search(actor, params, **options, limit=limit, progress=progress)
    else:
        found = cite_list(
            actor, **{f"{spec.scope}_id": spec.scope_id}, **options, limit=limit, progress=progress
        )
    return Download(
        chunks=found.chunks,
        filename=found.filename,
        content_type=found.content_type,
        total=found.total,
        headers={"X-Citation-Processor": PROCESSOR},
    )
