"""The "curators" and "depositors" groups become roles granted everywhere, each grant audited; the groups
go, so no role is given two ways. Backwards, the groups come back with the grants' users in them."""

from django.db import migrations
from django.utils import timezone

GROUPS = {"curators": "curator", "depositors": "depositor"}
ACTOR = "system:migration"


def forwards(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    grant_model = apps.get_model("accounts", "RoleGrant")
    change_model = apps.get_model("accounts", "RoleChange")
    now = timezone.now()
    for group in group_model.objects.filter(name__in=GROUPS).prefetch_related("user_set"):
        role = GROUPS[group.name]
        for user in group.user_set.all():
            _, created = grant_model.objects.get_or_create(
                user=user, role=role, organisation=None, defaults={"source": "group", "granted_by": ACTOR}
            )
            if created:
                change_model.objects.create(
                    at=now, actor=ACTOR, action="grant", user=user, username=user.username, role=role, source="group"
                )
        group.delete()


def backwards(apps, schema_editor):
    group_model = apps.get_model("auth", "Group")
    grant_model = apps.get_model("accounts", "RoleGrant")
    for name, role in GROUPS.items():
        group, _ = group_model.objects.get_or_create(name=name)
        for grant in grant_model.objects.filter(role=role, organisation=None, source="group"):
            group.user_set.add(grant.user_id)
            grant.delete()


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial"), ("core", "0001_groups")]
    operations = [migrations.RunPython(forwards, backwards)]
