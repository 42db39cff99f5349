from django.apps import AppConfig


class ImportsConfig(AppConfig):
    name = "samla.imports"
    label = "imports"
