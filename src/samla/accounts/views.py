"""The accounts pages: sign-in (Django's views with Samla's templates), the profile with its API tokens,
the administrators' roles page and the curators' list of refused sign-in claims."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from samla.core.errors import SamlaError
from samla.core.views import actor_for, requested_page

from .forms import GrantForm, TokenForm
from .services import (
    create_token,
    get_user_for,
    grant_role,
    list_grants,
    list_identity_conflicts,
    list_role_changes,
    list_tokens,
    person_for,
    revoke_role,
    revoke_token,
)


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    """Who the user is here: their roles, their authority record, their API tokens."""
    return _profile(request, TokenForm())


@login_required
@require_POST
def create_token_view(request: HttpRequest) -> HttpResponse:
    """Make a token and show it on this answer only: it is never stored, so a reload cannot show it."""
    form = TokenForm(request.POST)
    if not form.is_valid():
        return _profile(request, form, status=400)
    _token, secret = create_token(
        actor_for(request),
        user=request.user,
        name=form.cleaned_data["name"],
        scope=form.cleaned_data["scope"],
    )
    response = _profile(request, TokenForm(), new_token=secret)
    response["Cache-Control"] = "no-store"
    return response


@login_required
@require_POST
def revoke_token_view(request: HttpRequest, token_id: int) -> HttpResponse:
    revoke_token(actor_for(request), user=request.user, token_id=token_id)
    return redirect("accounts:profile")


def _profile(
    request: HttpRequest, form: TokenForm, *, new_token: str = "", status: int = 200
) -> HttpResponse:
    actor = actor_for(request)
    context = {
        "actor": actor,
        "person": person_for(request.user),
        "grants": list_grants(actor, user=request.user),
        "tokens": list_tokens(actor, user=request.user),
        "form": form,
        "new_token": new_token,
    }
    return render(request, "accounts/profile.html", context, status=status)


@login_required
def roles(request: HttpRequest) -> HttpResponse:
    """Every role grant, the form to grant one, and the audit log."""
    return _roles(request, GrantForm())


@login_required
@require_POST
def grant_view(request: HttpRequest) -> HttpResponse:
    form = GrantForm(request.POST)
    if form.is_valid():
        actor = actor_for(request)
        try:
            user = get_user_for(actor, form.cleaned_data["username"])
            grant_role(
                actor,
                user=user,
                role=form.cleaned_data["role"],
                organisation_id=form.cleaned_data["organisation"],
            )
        except SamlaError as error:
            if error.status == 403:
                raise
            form.add_error(None, error.message)
        else:
            return redirect("accounts:roles")
    return _roles(request, form, status=400)


@login_required
@require_POST
def revoke_view(request: HttpRequest, grant_id: int) -> HttpResponse:
    revoke_role(actor_for(request), grant_id=grant_id)
    return redirect("accounts:roles")


def _roles(request: HttpRequest, form: GrantForm, *, status: int = 200) -> HttpResponse:
    actor = actor_for(request)
    context = {
        "grants": list_grants(actor),
        "changes": list_role_changes(actor, page=requested_page(request)),
        "form": form,
    }
    return render(request, "accounts/roles.html", context, status=status)


@login_required
def conflicts(request: HttpRequest) -> HttpResponse:
    """Sign-in claims refused because another user holds the ORCID, local id or person."""
    page = list_identity_conflicts(actor_for(request), page=requested_page(request))
    return render(request, "accounts/conflicts.html", {"page": page})
