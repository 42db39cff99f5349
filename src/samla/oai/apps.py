from django.apps import AppConfig


class OaiConfig(AppConfig):
    name = "samla.oai"
    label = "oai"
    verbose_name = "OAI-PMH"
