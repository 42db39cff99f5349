from django.urls import path, register_converter

from . import views


class LocalIdConverter:
    """Local ids such as diva2:1897829 or samla:42."""

    regex = r"[a-z][a-z0-9]*:[A-Za-z0-9_.\-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(LocalIdConverter, "local_id")

app_name = "records"
urlpatterns = [
    path("", views.record_list, name="list"),
    path("<local_id:local_id>", views.record_detail, name="detail"),
]
