"""/accounts/: sign-in and password reset (Django's views, Samla's templates), profile, tokens, roles."""

from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views
from .mail import QueuedPasswordResetForm

app_name = "accounts"
DONE = reverse_lazy("accounts:password_reset_done")
COMPLETE = reverse_lazy("accounts:password_reset_complete")
urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="accounts/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("profile/", views.profile, name="profile"),
    path("profile/tokens/", views.create_token_view, name="create_token"),
    path("profile/tokens/<int:token_id>/revoke/", views.revoke_token_view, name="revoke_token"),
    path(
        "password/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change.html", success_url=reverse_lazy("accounts:profile")
        ),
        name="password_change",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
            extra_email_context={"site_name": settings.REPOSITORY_NAME},
            form_class=QueuedPasswordResetForm,
            success_url=DONE,
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html", success_url=COMPLETE
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path("roles/", views.roles, name="roles"),
    path("roles/grant/", views.grant_view, name="grant"),
    path("roles/<int:grant_id>/revoke/", views.revoke_view, name="revoke"),
    path("conflicts/", views.conflicts, name="conflicts"),
]
