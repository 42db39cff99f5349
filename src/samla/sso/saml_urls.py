"""The SAML endpoints under /saml2/, with djangosaml2's names (its views reverse them unqualified):
login, the assertion consumer (acs), logout and the single logout service (ls), and the SP metadata."""

from django.urls import path
from djangosaml2 import views as saml_views

from . import views

urlpatterns = [
    path("login/", views.SamlLogin.as_view(), name="saml2_login"),
    path("acs/", views.AssertionConsumer.as_view(), name="saml2_acs"),
    path("logout/", views.SamlLogout.as_view(), name="saml2_logout"),
    path("ls/", saml_views.LogoutView.as_view(), name="saml2_ls"),
    path("ls/post/", saml_views.LogoutView.as_view(), name="saml2_ls_post"),
    path("metadata/", saml_views.MetadataView.as_view(), name="saml2_metadata"),
]
