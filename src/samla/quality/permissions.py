"""Named actions on data quality.

- `quality.review`: list the records' quality flags (values kept aside or guessed at import), by kind and
  organisation, and export them: curators.
"""

from samla.core.access import register_action, role_at_least

register_action("quality.review", role_at_least("curator"), scope="read")
