"""The outbox moves to the mail app: every message keeps its id and its tie to its exchange.

The rows are copied into mail's table with the exchange as the message's generic reference;
the coordinator's permissions and the admin's log lines move to mail's notification.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OLD = ("exchange", "notification")
NEW = ("mail", "notification")
FIELDS = [
    "id",
    "kind",
    "recipient",
    "recipient_name",
    "language",
    "dedupe_key",
    "subject",
    "body_text",
    "body_html",
    "calendar",
    "status",
    "attempts",
    "error",
    "created_at",
    "sent_at",
    "next_attempt_at",
]
BATCH = 1000


def _content_type(apps, app_label, model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    return ContentType.objects.get_or_create(app_label=app_label, model=model)[0]


def _reset_sequence(apps, schema_editor, model_name):
    from django.core.management.color import no_style

    model = apps.get_model(*model_name)
    for sql in schema_editor.connection.ops.sequence_reset_sql(no_style(), [model]):
        schema_editor.execute(sql)


def _move_permissions(apps, source, target):
    """Who could view or change the old model's rows can view or change the new one's."""
    Permission = apps.get_model("auth", "Permission")
    LogEntry = apps.get_model("admin", "LogEntry")
    app_config = apps.get_app_config(target.app_label)
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None
    for old in Permission.objects.filter(content_type=source):
        action = old.codename.rsplit("_", 1)[0]
        new = Permission.objects.filter(
            content_type=target, codename=f"{action}_{target.model}"
        ).first()
        if new is None:
            continue
        for group in old.group_set.all():
            group.permissions.add(new)
        for user in old.user_set.all():
            user.user_permissions.add(new)
    LogEntry.objects.filter(content_type=source).update(content_type=target)


def forwards(apps, schema_editor):
    Old = apps.get_model(*OLD)
    New = apps.get_model(*NEW)
    exchange_type = _content_type(apps, "exchange", "exchangerequest")
    rows = Old.objects.order_by("pk").values(*FIELDS, "exchange_id")
    batch = []
    for row in rows.iterator(chunk_size=BATCH):
        exchange_id = row.pop("exchange_id")
        batch.append(
            New(
                **row,
                about_type=exchange_type if exchange_id else None,
                about_id=exchange_id,
            )
        )
        if len(batch) == BATCH:
            New.objects.bulk_create(batch)
            batch = []
    New.objects.bulk_create(batch)
    _reset_sequence(apps, schema_editor, NEW)
    old_type = _content_type(apps, *OLD)
    _move_permissions(apps, old_type, _content_type(apps, *NEW))
    # Its permissions go with it; the log lines point to the new type already.
    old_type.delete()


def backwards(apps, schema_editor):
    Old = apps.get_model(*OLD)
    New = apps.get_model(*NEW)
    exchange_type = _content_type(apps, "exchange", "exchangerequest")
    batch = []
    for row in New.objects.order_by("pk").values(*FIELDS, "about_type_id", "about_id").iterator(
        chunk_size=BATCH
    ):
        about_type_id, about_id = row.pop("about_type_id"), row.pop("about_id")
        exchange_id = about_id if about_type_id == exchange_type.pk else None
        batch.append(Old(**row, exchange_id=exchange_id))
        if len(batch) == BATCH:
            Old.objects.bulk_create(batch)
            batch = []
    Old.objects.bulk_create(batch)
    New.objects.all().delete()
    _reset_sequence(apps, schema_editor, OLD)
    _move_permissions(apps, _content_type(apps, *NEW), _content_type(apps, *OLD))


class Migration(migrations.Migration):
    dependencies = [
        ("exchange", "0004_anonymised_at"),
        ("mail", "0001_initial"),
        # The Coordinator group exists by then, and its outbox permissions move with the rows.
        ("feedback", "0003_coordinator_group"),
        ("admin", "0003_logentry_add_action_flag_choices"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.DeleteModel(name="Notification"),
    ]
