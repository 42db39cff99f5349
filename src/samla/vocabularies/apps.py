from django.apps import AppConfig


class VocabulariesConfig(AppConfig):
    name = "samla.vocabularies"
    label = "vocabularies"
    verbose_name = "Vocabularies"
