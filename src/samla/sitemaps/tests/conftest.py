"""The files tests' store and `attach` fixture, for sitemaps of records with files."""

from samla.files.tests.conftest import attach, file_store  # noqa: F401
