"""Path converters every app's URLs share, registered once in `samla/urls.py`."""

import re

from django.urls import register_converter


class LocalIdConverter:
    """Local ids such as diva2:1897829 or samla:42. The pattern allows only characters a URL path keeps
    as they are, so writers may build record URLs without quoting (`exports.bibliographic.direct_link`)."""

    regex = r"[a-z][a-z0-9]*:[A-Za-z0-9_.\-]+"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


LOCAL_ID = re.compile(LocalIdConverter.regex)


def register_converters() -> None:
    """Make `<local_id:…>` known to every URL pattern."""
    register_converter(LocalIdConverter, "local_id")
