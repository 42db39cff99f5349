from django.apps import AppConfig


class OrganisationsConfig(AppConfig):
    name = "samla.organisations"
    label = "organisations"
