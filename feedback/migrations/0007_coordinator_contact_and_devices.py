"""The coordinator fills in the contact details when none exist yet, and adds and keeps the
authenticator apps (TOTP devices) of the admin's two-factor sign-in, hers and her colleagues'.
Still no delete permission: a lost phone's device is turned off by unticking it confirmed."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Coordinator"

ADDED = {
    "libraries": {"contactdetails": ["add"]},
    "otp_totp": {"totpdevice": ["add", "view", "change"]},
}


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
        ("feedback", "0006_personal_data_moves_to_privacy"),
        ("libraries", "0003_anonymised_at"),
        ("otp_totp", "0003_add_timestamps"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
