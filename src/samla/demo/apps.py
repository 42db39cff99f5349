from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "samla.demo"
    label = "demo"
