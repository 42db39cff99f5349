"""`{% records_found author=person.pk %}`: a person's, organisation's or journal's records, through search.

The authority pages show their records with facets, sort and paging. They hold it in their template, not in
their views: people, organisations and journals are a layer below search (search indexes their names), so
their views never import it; the template names the tag and search renders its part.
"""

from __future__ import annotations

from django import template

from samla.core.views import actor_for

from ..presentation import ResultsLinks, request_data
from ..services import search_within

register = template.Library()


@register.inclusion_tag("search/_embedded.html", takes_context=True)
def records_found(context: template.Context, **fixed: int) -> dict:
    """The page's records: `fixed` is the filter the page stands for; its own sort, cursor and facet
    choices come from its query string. Bad parameters are the same 400 as on the search page."""
    request = context["request"]
    page = search_within(actor_for(request), request_data(request.GET), **fixed)
    return {
        "search_page": page,
        "search_links": ResultsLinks(page, request.GET, base=request.path, fixed=fixed),
        "search_all_links": ResultsLinks(page, request.GET, fixed=fixed),
    }
