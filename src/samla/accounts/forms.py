"""The forms of the accounts pages: shapes only; the services check what the values mean."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from samla.core.access import GRANTABLE_ROLES, SCOPES

from .models import ROLE_CHOICES, SCOPE_CHOICES


class TokenForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("What the token is for."))
    scope = forms.ChoiceField(
        label=_("Scope"),
        choices=SCOPE_CHOICES,
        initial="read",
        help_text=_(
            "Read: what you may see. Write: also deposit and edit. Curate: everything your roles allow."
        ),
    )

    def clean_scope(self) -> str:
        assert self.cleaned_data["scope"] in SCOPES
        return self.cleaned_data["scope"]


class GrantForm(forms.Form):
    username = forms.CharField(label=_("User"), max_length=150)
    role = forms.ChoiceField(label=_("Role"), choices=ROLE_CHOICES)
    organisation = forms.IntegerField(
        label=_("Organisation id"),
        required=False,
        min_value=1,
        help_text=_("The organisation's number, as its page and the REST API show it; empty: everywhere."),
    )

    def clean_role(self) -> str:
        assert self.cleaned_data["role"] in GRANTABLE_ROLES
        return self.cleaned_data["role"]
