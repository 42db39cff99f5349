from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "samla.files"
    label = "files"
