"""Named actions of the OAI-PMH provider. What it serves is `oai.services.harvestable`."""

from samla.core.access import register_action, role_at_least

# Writing every record's OAI-PMH texts ahead of harvesters is an operator's job: the CLI acts as the system.
register_action("oai.keep", role_at_least("admin"))
