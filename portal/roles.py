"""Staff groups and what each may do in the admin and the API.

The groups are created by a data migration (``portal/migrations``). Each app of
``settings.PROJECT_APPS`` lists the permissions it grants in ``<app>/roles.py:GROUP_PERMISSIONS`` (``{"group": ["app.codename",
...]}``); after every ``migrate`` they are synchronised onto the groups (added, never
removed, so that staff may grant more in the admin).
"""

from django.apps import apps as global_apps
from django.conf import settings
from django.db.models.signals import post_migrate
from django.dispatch import receiver

from portal.discovery import app_modules

STAFF_GROUPS = ["channel_manager", "finance", "support", "legal", "executive"]
GROUP_PERMISSIONS = {
    "channel_manager": ["portal.view_user", "portal.view_apikey", "portal.view_jobrun"],
    "executive": ["portal.view_user", "portal.view_jobrun"],
    "finance": ["portal.view_jobrun"],
}


def collected_permissions() -> dict[str, set[str]]:
    result: dict[str, set[str]] = {name: set() for name in STAFF_GROUPS}
    for module in app_modules(settings.PROJECT_APPS, "roles"):
        for group, perms in getattr(module, "GROUP_PERMISSIONS", {}).items():
            result.setdefault(group, set()).update(perms)
    return result


def sync_group_permissions(using="default") -> None:
    from django.contrib.auth.models import Group, Permission

    for group_name, perms in collected_permissions().items():
        group, _ = Group.objects.using(using).get_or_create(name=group_name)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            wanted += list(
                Permission.objects.using(using).filter(
                    content_type__app_label=app_label, codename=codename
                )
            )
        group.permissions.add(*wanted)


@receiver(post_migrate)
def _sync_after_migrate(sender, app_config=None, using="default", **kwargs):
    # Run once, after the last app of ours has migrated.
    # (post_migrate is sent only for apps with a models module.)
    with_models = [c for c in global_apps.get_app_configs() if c.models_module is not None]
    if app_config is not None and app_config.label == with_models[-1].label:
        sync_group_permissions(using=using)
