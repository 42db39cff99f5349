"""Record pages: fetch through the service, hand the loaded record to the template."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from samla.core.views import actor_for, requested_page
from samla.vocabularies.services import get_subject_category

from .presentation import RecordPage
from .services import get_record_for, list_records


def record_detail(request: HttpRequest, local_id: str) -> HttpResponse:
    record = get_record_for(actor_for(request), local_id)
    return render(request, "records/record_detail.html", {"record": record, "view": RecordPage(record)})


def record_list(request: HttpRequest) -> HttpResponse:
    """All visible records, or those of one SSIF category (?subject=50202)."""
    code = request.GET.get("subject", "")
    subject = get_subject_category(code) if code else None
    page = list_records(actor_for(request), subject=code, page=requested_page(request), size=25)
    return render(request, "records/record_list.html", {"page": page, "subject": subject})
