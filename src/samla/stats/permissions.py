"""Named actions on usage statistics.

- `stats.rebuild`: recompute every aggregate from the raw events (`samla stats rebuild`): curators and
  the CLI's system actor.

Counting needs no permission: the HTTP edge counts what it has served, after the files and records
services allowed it. Reading a record's statistics is `record.read`; the top lists show only records the
actor may see (`visible_records`).
"""

from samla.core.access import register_action, role_at_least

register_action("stats.rebuild", role_at_least("curator"))
