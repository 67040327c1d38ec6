"""The Coordinator group: what the regional coordinator needs in the admin, and no more.

No delete permission anywhere (history, the outbox, feedback and claims are records), and
nothing on accounts' groups or permissions.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Coordinator"

PERMISSIONS = {
    "exchange": {
        "exchangerequest": ["view", "change"],
        "approval": ["view"],
        "historyentry": ["view"],
        "notification": ["view", "change"],
    },
    "feedback": {
        "visitorfeedback": ["view", "change"],
        "hostfeedback": ["view", "change"],
        "expenseclaim": ["view", "change"],
        "receipt": ["view"],
        "yearsettings": ["add", "view", "change"],
        "yearstatistics": ["view"],
    },
    "libraries": {
        "library": ["add", "view", "change"],
        "focusarea": ["add", "view", "change"],
        "network": ["add", "view", "change"],
        "municipality": ["view", "change"],
        "region": ["view"],
        "staff": ["add", "view", "change"],
        "contactdetails": ["view", "change"],
    },
}


def create_group(apps, schema_editor):
    # Permissions are normally made after all migrations; make them now to hand them out.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _created = Group.objects.get_or_create(name=GROUP)
    wanted = []
    for app_label, models in PERMISSIONS.items():
        for model, actions in models.items():
            for action in actions:
                wanted.append(
                    Permission.objects.get(
                        content_type__app_label=app_label,
                        content_type__model=model,
                        codename=f"{action}_{model}",
                    )
                )
    group.permissions.set(wanted)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_year_settings"),
        ("exchange", "0002_initial"),
        ("libraries", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
