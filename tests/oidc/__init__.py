"""The OpenID Connect provider the sign-in tests start: node-oidc-provider (`provider.mjs` here, installed
by `make test` from package-lock.json), answering as ORCID does. `authorize` walks its development sign-in
and consent pages with a real HTTP client, as a person would in a browser."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from html import unescape
from pathlib import Path
from urllib.parse import urljoin

import requests

HERE = Path(__file__).resolve().parent
CLIENT_ID = "samla-test-client"
CLIENT_SECRET = "samla-test-secret-0123456789abcdef"


@contextmanager
def serving_openid_provider(
    port: int, redirect_uri: str, accounts: Mapping[str, Mapping[str, str]]
) -> Iterator[str]:
    """The provider on 127.0.0.1:`port` until the block ends; its issuer URL."""
    node = shutil.which("node")
    assert node, "node is missing: `make test` installs it (scripts/ensure-debian-packages.sh npm)"
    assert (HERE / "node_modules" / "oidc-provider").is_dir(), (
        "oidc-provider is missing: `make test` installs it (npm ci --prefix tests/oidc)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "PORT": str(port),
        "CLIENT_ID": CLIENT_ID,
        "CLIENT_SECRET": CLIENT_SECRET,
        "REDIRECT_URI": redirect_uri,
        "ACCOUNTS": json.dumps(accounts),
    }
    process = subprocess.Popen(
        [node, "provider.mjs"], cwd=HERE, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        line = process.stdout.readline()
        if not line.startswith("listening "):
            process.kill()
            raise RuntimeError(f"the OpenID provider did not start: {line}{process.stderr.read()}")
        yield line.split(" ", 1)[1].strip()
    finally:
        process.terminate()
        process.wait(timeout=10)


def authorize(authorization_url: str, login: str, redirect_uri: str) -> str:
    """Sign in at the provider as `login` (its development pages take any password) and consent; the
    URL the provider sends the browser back to, not followed."""
    browser = requests.Session()
    url = authorization_url
    for _ in range(12):
        response = browser.get(url, allow_redirects=False, timeout=10)
        while response.is_redirect:
            url = urljoin(url, response.headers["Location"])
            if url.startswith(redirect_uri):
                return url
            response = browser.get(url, allow_redirects=False, timeout=10)
        action = urljoin(url, unescape(re.search(r'<form[^>]*action="([^"]+)"', response.text).group(1)))
        prompt = re.search(r'name="prompt" value="([^"]+)"', response.text).group(1)
        fields = (
            {"prompt": prompt, "login": login, "password": "any"} if prompt == "login" else {"prompt": prompt}
        )
        response = browser.post(action, data=fields, allow_redirects=False, timeout=10)
        url = urljoin(action, response.headers["Location"])
        if url.startswith(redirect_uri):
            return url
    raise RuntimeError("the provider never sent the browser back")
