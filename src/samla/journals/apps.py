from django.apps import AppConfig


class JournalsConfig(AppConfig):
    name = "samla.journals"
    label = "journals"
