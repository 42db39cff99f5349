"""Record services: the one path every surface and importer goes through to read and write records.

`validation` checks meaning, `writing` stores records with their parts and revisions (singly or in
batches), merging what imports bring by the rule of `merging` (field provenance), `proposals` keeps a
source's values for fields a person edited until a curator decides, `lifecycle` is the state machine
(submit, return, approve, unapprove, publish, withdraw, restore), `revisions` writes each change's
Revision row, `history` shows a record's revisions and restores an earlier value of a field, `reading`
loads records for pages, lists and the API, `duplicates` keeps imports from creating a record that is
already here, `worklists` gives a depositor their records and curators their review queue.
"""

from .duplicates import Duplicate, DuplicateOutcome, find_duplicates, import_new_records
from .history import field_history, list_revisions, revert_field
from .lifecycle import (
    ACTIONS,
    TRANSITIONS,
    allowed_actions,
    approve_record,
    publish_record,
    restore_record,
    return_record,
    submit_record,
    transition_record,
    unapprove_record,
    withdraw_record,
)
from .merging import Origin
from .proposals import accept_proposal, list_proposals, reject_proposal
from .reading import (
    get_record_for,
    get_record_head_for,
    get_tombstone_for,
    list_records,
    load_record_parts,
    load_records_parts,
    record_to_input,
    record_version,
)
from .validation import Lookups, clean_record_input
from .worklists import QueueFilters, ReviewQueue, list_my_records, queue_filters, review_queue
from .writing import (
    BatchNeedsCare,
    ImportOutcome,
    create_record,
    find_existing_record,
    import_records,
    local_id_for_identifier,
    patch_record,
    update_record,
    upsert_record,
)

__all__ = [
    "ACTIONS",
    "TRANSITIONS",
    "BatchNeedsCare",
    "Duplicate",
    "DuplicateOutcome",
    "ImportOutcome",
    "Lookups",
    "Origin",
    "QueueFilters",
    "ReviewQueue",
    "accept_proposal",
    "allowed_actions",
    "approve_record",
    "clean_record_input",
    "create_record",
    "field_history",
    "find_duplicates",
    "find_existing_record",
    "get_record_for",
    "get_record_head_for",
    "get_tombstone_for",
    "import_new_records",
    "import_records",
    "list_my_records",
    "list_proposals",
    "list_records",
    "list_revisions",
    "load_record_parts",
    "load_records_parts",
    "local_id_for_identifier",
    "patch_record",
    "publish_record",
    "queue_filters",
    "record_to_input",
    "record_version",
    "reject_proposal",
    "restore_record",
    "return_record",
    "revert_field",
    "review_queue",
    "submit_record",
    "transition_record",
    "unapprove_record",
    "update_record",
    "upsert_record",
    "withdraw_record",
]
