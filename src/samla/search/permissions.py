"""Named actions of search. What a search may show is `records.permissions.visible_records`."""

from samla.core.access import register_action, role_at_least

# Rebuilding the whole index is an operator's job: the CLI acts as the system.
register_action("search.reindex", role_at_least("admin"))
