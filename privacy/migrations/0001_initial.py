"""The personal data page, moved here from the feedback app with its permissions.

Whoever could view or erase personal data there (the Coordinator group) still can.
"""

import libraries.models
from django.contrib.auth.management import create_permissions
from django.db import migrations

OLD = ("feedback", "personaldata")
NEW = ("privacy", "personaldata")


def _move(apps, source_key, target_key):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    app_config = apps.get_app_config(target_key[0])
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    source = ContentType.objects.filter(app_label=source_key[0], model=source_key[1]).first()
    target = ContentType.objects.get(app_label=target_key[0], model=target_key[1])
    if source is None:
        return
    for old in Permission.objects.filter(content_type=source):
        new = Permission.objects.filter(content_type=target, codename=old.codename).first()
        if new is None:
            continue
        for group in old.group_set.all():
            group.permissions.add(new)
        for user in old.user_set.all():
            user.user_permissions.add(new)
    LogEntry.objects.filter(content_type=source).update(content_type=target)
    source.delete()


def forwards(apps, schema_editor):
    _move(apps, OLD, NEW)


def backwards(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    ContentType.objects.get_or_create(app_label=OLD[0], model=OLD[1])
    _move(apps, NEW, OLD)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('libraries', '0003_anonymised_at'),
        # The page's permissions exist there, handed to the Coordinator group.
        ('feedback', '0005_coordinator_privacy_permissions'),
        ('admin', '0003_logentry_add_action_flag_choices'),
        ('auth', '0012_alter_user_first_name_max_length'),
        ('contenttypes', '0002_remove_content_type_name'),
    ]

    operations = [
        migrations.CreateModel(
            name='PersonalData',
            fields=[
            ],
            options={
                'verbose_name': 'personal data request',
                'verbose_name_plural': 'personal data requests',
                'permissions': [('erase_personaldata', "Can erase a person's data on request")],
                'proxy': True,
                'default_permissions': ('view',),
                'indexes': [],
                'constraints': [],
            },
            bases=('libraries.staff',),
            managers=[
                ('objects', libraries.models.StaffManager()),
            ],
        ),
        migrations.RunPython(forwards, backwards),
    ]
