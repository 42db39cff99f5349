"""The record URLs, namespace "records": records' own pages (lists, proposals, restore) and the record
page composed here."""

from django.urls import path

from samla.records.urls import urlpatterns as records_urlpatterns

from . import record

app_name = "records"
urlpatterns = [
    *records_urlpatterns,
    path("<local_id:local_id>", record.record_detail, name="detail"),
]
