"""Item texts kept between exports and harvests: a list export or an OAI-PMH page loads and writes only
the records whose kept text went stale, and reads the rest in one query.

A kept text is valid while its version holds: the record's datestamp and state (every change of the
record moves its datestamp), the authority counter (database triggers bump it whenever a person,
organisation or journal row changes: records show their names, ORCIDs and ISSNs), and a fingerprint of
the code and settings that write items (an upgrade or a new base URL never serves old texts). Texts are
the same for every reader: writers show nothing that depends on who asks (no restricted files, no
drafts' private notes), and callers only ask for records the reader may see.

Keeping is best effort: a text that cannot be stored now (a locked database, a record deleted meanwhile)
is rendered again next time; the answer never fails because of it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from collections.abc import Callable, Iterable, Sequence
from functools import cache
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.urls import get_script_prefix

from samla.batch.collection import collecting_less

from .models import AuthorityChange, RenderedItem

logger = logging.getLogger(__name__)

# (pk, datestamp, state): all a kept text's version needs of a record.
Head = tuple[int, dt.datetime, str]
# Renders the records of the given ids: their texts by id (a record gone meanwhile is left out).
Renderer = Callable[[list[int]], dict[int, str]]

# The settings writers read (record URLs, publisher of last resort, Swepub's source, oai-identifiers).
RENDERING_SETTINGS = ("BASE_URL", "REPOSITORY_NAME", "LOCAL_ID_PREFIX", "OAI_REPOSITORY_ID")


def item_texts(key: str, heads: Sequence[Head], render: Renderer) -> list[str]:
    """The texts of the records `heads` names under `key` (a format's name, or "oai:<prefix>"), in the
    order of `heads`: kept ones whose version holds, the others rendered by `render` and kept."""
    versions = _versions(heads)
    # `record__pk__in` is the same SQL as `record_id__in`, but each id is prepared as a primary key
    # rather than normalised as a foreign key value first: a third less Python for a chunk's ids.
    kept = RenderedItem.objects.filter(format=key, record__pk__in=list(versions)).values_list(
        "record_id", "version", "text"
    )
    texts = {pk: text for pk, version, text in kept if versions[pk] == version}
    missing = [pk for pk in versions if pk not in texts]
    if missing:
        with collecting_less():  # loading and writing allocate many objects and hardly any cycles
            fresh = render(missing)
        _keep(key, [(pk, versions[pk], text) for pk, text in fresh.items()])
        texts.update(fresh)
    return [texts[pk] for pk, _, _ in heads if pk in texts]


def _versions(heads: Iterable[Head]) -> dict[int, str]:
    """Each record's current version. The authority counter is read before anything is rendered, so a
    text rendered from data older than the counter it carries cannot exist."""
    prefix = f"{_fingerprint()}.{authority_counter()}"
    return {pk: f"{prefix}.{state}.{stamp.timestamp():.6f}" for pk, stamp, state in heads}


def authority_counter() -> int:
    return AuthorityChange.objects.filter(pk=1).values_list("counter", flat=True).first() or 0


def _keep(key: str, rows: list[tuple[int, str, str]]) -> None:
    table = RenderedItem._meta.db_table
    sql = (
        f"INSERT INTO {table} (record_id, format, version, text) VALUES (%s, %s, %s, %s) "
        "ON CONFLICT (record_id, format) DO UPDATE SET version = excluded.version, text = excluded.text"
    )
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, [(pk, key, version, text) for pk, version, text in rows])
    except DatabaseError as error:  # rendered again next time; the answer goes on
        logger.warning("Could not keep %d rendered %s items: %s", len(rows), key, error)


def _fingerprint() -> str:
    digest = hashlib.sha256(_code_fingerprint().encode())
    for name in RENDERING_SETTINGS:
        digest.update(f"{name}={getattr(settings, name, '')}\n".encode())
    digest.update(get_script_prefix().encode())  # record URLs when served below a path
    return digest.hexdigest()[:12]


@cache
def _code_fingerprint() -> str:
    """A hash of the source that turns records into items: the writers, the OAI-PMH envelope, the bulk
    loader, the record model's properties and the vocabularies' labels."""
    samla = Path(__file__).resolve().parent.parent
    sources = [
        *sorted((samla / "exports").glob("*.py")),
        *sorted((samla / "oai").glob("*.py")),
        samla / "records" / "services" / "reading.py",
        samla / "records" / "models.py",
        samla / "vocabularies" / "record_terms.py",
    ]
    digest = hashlib.sha256()
    for path in sources:
        digest.update(path.read_bytes())
    return digest.hexdigest()
