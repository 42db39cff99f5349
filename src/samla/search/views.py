"""Search pages: results with facets, the advanced form, and the Atom feed of a search."""

from __future__ import annotations

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from samla.core.views import actor_for

from .forms import AdvancedSearchForm, initial_from
from .presentation import ResultsLinks, request_data
from .services import SearchPage, parse_feed_params, parse_params, search_with_params


def results(request: HttpRequest) -> HttpResponse:
    """/search/?q=…&type=…&year=…: a page of results with facets, chips, sort menu and paging."""
    params = parse_params(request_data(request.GET))
    page = search_with_params(actor_for(request), params)
    return render(request, "search/results.html", {"page": page, "links": ResultsLinks(page, request.GET)})


def advanced(request: HttpRequest) -> HttpResponse:
    """ "Change search": the form, filled from the current search; submitting it shows the results."""
    if "submit" in request.GET:
        form = AdvancedSearchForm(request.GET)
        if form.is_valid():
            return HttpResponseRedirect(reverse("search:results") + "?" + urlencode(form.search_parameters()))
    else:
        form = AdvancedSearchForm(initial=initial_from(request.GET.dict()))
    return render(request, "search/advanced.html", {"form": form})


class SearchFeed(Feed):
    """/search/feed.atom?q=…: the first page of a search as an Atom feed (same parameters as the page)."""

    feed_type = Atom1Feed

    def get_object(self, request: HttpRequest) -> tuple[SearchPage, str]:
        params = parse_feed_params(request_data(request.GET))
        page = search_with_params(actor_for(request), params, with_facets=False)
        return page, request.GET.urlencode()

    def title(self, obj: tuple[SearchPage, str]) -> str:
        page = obj[0]
        name = settings.REPOSITORY_NAME
        return _("%(name)s: search %(query)s") % {"name": name, "query": page.query} if page.query else name

    def link(self, obj: tuple[SearchPage, str]) -> str:
        return reverse("search:results") + ("?" + obj[1] if obj[1] else "")

    def subtitle(self, obj: tuple[SearchPage, str]) -> str:
        return _("%(total)s publications") % {"total": obj[0].total}

    def items(self, obj: tuple[SearchPage, str]):
        return obj[0].items

    def item_title(self, record) -> str:
        return record.full_title

    def item_description(self, record) -> str:
        authors = "; ".join(c.inverted_name for c in record.contributions.all())
        parts = [authors, str(record.year or ""), record.output_type_info.label]
        if record.journal:
            parts.append(record.journal.title)
        return ". ".join(p for p in parts if p)

    def item_author_name(self, record) -> str:
        return "; ".join(c.name for c in record.contributions.all()[:3])

    def item_updateddate(self, record):
        return record.datestamp

    def item_pubdate(self, record):
        return record.datestamp


feed = SearchFeed()
