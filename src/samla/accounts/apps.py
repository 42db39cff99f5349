from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "samla.accounts"
    label = "accounts"

    def ready(self) -> None:
        """Give `core.access` the loader of a user's organisation grants (core imports no app), and
        declare the accounts' named actions."""
        from samla.core.access import set_grant_loader

        from . import permissions  # noqa: F401 (registers the actions)
        from .grants import load_grants

        set_grant_loader(load_grants)
