from django.apps import AppConfig


class ExportsConfig(AppConfig):
    name = "samla.exports"
    label = "exports"
