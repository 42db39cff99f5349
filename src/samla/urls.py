"""URL map: pages per app, the REST API under /api/, the curators' admin under /admin/."""

from django.contrib import admin
from django.urls import include, path

from samla.api import api
from samla.core import views as core_views
from samla.core.converters import register_converters
from samla.records import views as records_views
from samla.sso import views as sso_views

register_converters()

urlpatterns = [
    path("", records_views.home, name="home"),
    path("language/", core_views.switch_language, name="switch_language"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    # Every sign-out (the header's form posts to accounts:logout) goes through samla.sso: a SAML session
    # ends at its IdP too (single logout); any other ends as Django's LogoutView ends it.
    path("accounts/logout/", sso_views.sign_out),
    path("accounts/", include("samla.accounts.urls")),
    path("api/", api.urls),
    path("my/", records_views.my_records, name="my_records"),
    path("review/", records_views.review, name="review"),
    path("record/", include("samla.pages.urls")),
    path("", include("samla.exports.urls")),
    path("", include("samla.citations.urls")),
    path("", include("samla.files.urls")),
    path("search/", include("samla.search.urls")),
    path("oai", include("samla.oai.urls")),
    path("person/", include("samla.people.urls")),
    path("organisation/", include("samla.organisations.urls")),
    path("journal/", include("samla.journals.urls")),
    path("stats/", include("samla.stats.urls")),
    path("jobs/", include("samla.jobs.urls")),
    path("quality/", include("samla.quality.urls")),
    path("saml2/", include("samla.sso.saml_urls")),
    path("sso/", include("samla.sso.urls")),
    path("", include("samla.sitemaps.urls")),
]

handler404 = "samla.core.views.not_found"
handler500 = "samla.core.views.server_error"
