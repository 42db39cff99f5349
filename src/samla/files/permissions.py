"""Named actions on files. The record's own visibility (`record.read`) is checked first, by the services.

- `file.attach` (on a record): curators of the record (`records.permissions.curates`); depositors on
  their own draft records.
- `file.detach` (on a record): the same, so a depositor can take back a wrong upload before review.
- `file.see` (on a RecordFile): whether the file is listed at all. Archive copies are for curators only.
- `file.manage`: the store's jobs (text extraction, fixity audits): curators, and the CLI's system actor.
- `file.download` (on a RecordFile): open files for anyone; embargoed ones from their date on (before it
  for curators and the record's owner); restricted ones for actors of at least the given role (and the
  owner); archive copies for curators only.
"""

from __future__ import annotations

from samla.core.access import Actor, register_action, role_at_least
from samla.records.permissions import curates


def _owns(actor: Actor, record) -> bool:
    return actor.user_id is not None and record is not None and record.owner_id == actor.user_id


def _may_attach(actor: Actor, record) -> bool:
    if curates(actor, record):
        return True
    return (
        actor.at_least_somewhere("depositor")
        and record is not None
        and record.state == "draft"
        and _owns(actor, record)
    )


def _may_see(actor: Actor, record_file) -> bool:
    return record_file.access != "archive" or curates(actor, record_file.record)


def _may_download(actor: Actor, record_file) -> bool:
    access = record_file.access
    if access == "open" or curates(actor, record_file.record):
        return True
    if access == "embargo":
        return record_file.embargo_over or _owns(actor, record_file.record)
    if access == "restricted":
        return actor.at_least_somewhere(record_file.restricted_role) or _owns(actor, record_file.record)
    return False  # archive


register_action("file.attach", _may_attach, scope="write")
register_action("file.detach", _may_attach, scope="write")
register_action("file.see", _may_see, scope="read")
register_action("file.download", _may_download, scope="read")
register_action("file.manage", role_at_least("curator"), scope="curate")
