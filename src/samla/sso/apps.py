from django.apps import AppConfig


class SsoConfig(AppConfig):
    name = "samla.sso"
    label = "sso"
    verbose_name = "Single sign-on"
