"""The coordinator keeps the libraries' closed or busy periods with the rest of their details."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Coordinator"

# No delete permission, as everywhere: a period is ended by changing its days.
ADDED = {"libraries": {"closedperiod": ["view", "add", "change"]}}


def _permissions(apps):
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None
    Permission = apps.get_model("auth", "Permission")
    return [
        Permission.objects.get(
            content_type__app_label=app_label,
            content_type__model=model,
            codename=f"{action}_{model}",
        )
        for app_label, models in ADDED.items()
        for model, actions in models.items()
        for action in actions
    ]


def grant(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.add(*_permissions(apps))


def revoke(apps, schema_editor):
    group = apps.get_model("auth", "Group").objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(*_permissions(apps))


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0008_coordinator_legal_details"),
        ("libraries", "0007_hosting_profile"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
