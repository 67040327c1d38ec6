"""The coordinator keeps the controller's and the authorities' details up to date."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Coordinator"

ADDED = {"libraries": {"legaldetails": ["view", "change"]}}


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
        ("feedback", "0007_coordinator_contact_and_devices"),
        ("libraries", "0006_legaldetails"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
