"""Every environment variable the settings read is documented in docs/configuration.md."""

import re
from pathlib import Path

from django.conf import settings

ROOT = Path(settings.BASE_DIR).parents[1]


def test_every_environment_variable_read_by_settings_is_documented():
    source = (Path(settings.BASE_DIR) / "settings.py").read_text()
    read = set(re.findall(r'os\.environ(?:\.get)?\(\s*"([A-Z_]+)"', source))
    documented = set(re.findall(r"^\| `([A-Z_]+)`", (ROOT / "docs/configuration.md").read_text(), re.M))
    assert read, "no environment variables found in settings.py"
    assert read <= documented, f"undocumented: {sorted(read - documented)}"
