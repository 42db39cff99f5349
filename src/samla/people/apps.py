from django.apps import AppConfig


class PeopleConfig(AppConfig):
    name = "samla.people"
    label = "people"
