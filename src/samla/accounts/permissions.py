"""Named actions on accounts.

- `role.manage`: grant and revoke roles, read their audit log, create users: administrators (held
  everywhere) and the CLI's system actor.
- `account.conflicts`: read the sign-in claims refused because another user holds them: curators.
- `token.manage` (on a user): create, list and revoke personal API tokens: the user themself; an
  administrator and the CLI for anyone.
"""

from __future__ import annotations

from typing import Any

from samla.core.access import Actor, register_action, role_at_least, role_somewhere


def _may_manage_tokens(actor: Actor, user: Any) -> bool:
    if actor.at_least("admin"):
        return True
    return user is not None and actor.user_id is not None and actor.user_id == user.pk


register_action("role.manage", role_at_least("admin"), scope="curate")
register_action("account.conflicts", role_somewhere("curator"), scope="read")
register_action("token.manage", _may_manage_tokens, scope="curate")
