from django.apps import AppConfig


class SearchConfig(AppConfig):
    name = "samla.search"
    label = "search"
