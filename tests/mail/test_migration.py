"""The outbox's move from the exchange app to the mail app keeps every message and its tie.

The database is taken back to the layout before the move, given messages there, and
migrated forward again, as an existing installation would be.
"""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("exchange", "0004_anonymised_at"), ("mail", "0001_initial")]


def _migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    # The models as every migration applied now leaves them.
    loader = MigrationExecutor(connection).loader
    return loader.project_state(list(loader.applied_migrations)).apps


def _latest():
    executor = MigrationExecutor(connection)
    return executor.loader.graph.leaf_nodes()


def _old_layout_with_messages(apps):
    Region = apps.get_model("libraries", "Region")
    Municipality = apps.get_model("libraries", "Municipality")
    Library = apps.get_model("libraries", "Library")
    Staff = apps.get_model("libraries", "Staff")
    Exchange = apps.get_model("exchange", "ExchangeRequest")
    Notification = apps.get_model("exchange", "Notification")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Permission = apps.get_model("auth", "Permission")
    Group = apps.get_model("auth", "Group")
    LogEntry = apps.get_model("admin", "LogEntry")

    region = Region.objects.create(name="Pohjanmaa", slug="pohjanmaa")
    town = Municipality.objects.create(
        name="Vaasa", slug="vaasa", region=region, language_status="fi+sv"
    )
    home = Library.objects.create(name="Vaasan pääkirjasto", slug="vaasa", municipality=town)
    host = Library.objects.create(name="Sundomin kirjasto", slug="sundom", municipality=town)
    alice = Staff.objects.create(email="alice@vaasa.fi", name="Alice Aalto", library=home)
    first, second = (
        Exchange.objects.create(visitor=alice, home_library=home, host_library=host)
        for _ in range(2)
    )
    messages = {}
    for number, (exchange, kind) in enumerate(
        [(first, "submitted"), (first, "confirmed"), (second, "declined"), (None, "sign_in")]
    ):
        message = Notification.objects.create(
            kind=kind,
            exchange=exchange,
            recipient="alice@vaasa.fi",
            language="fi",
            dedupe_key=f"{kind}:{number}",
            subject=f"Viesti {number}",
            body_text="Hei!",
            status="sent" if number else "pending",
        )
        messages[message.pk] = (exchange.pk if exchange else None, kind)

    notification_type, _ = ContentType.objects.get_or_create(
        app_label="exchange", model="notification"
    )
    view, _ = Permission.objects.get_or_create(
        content_type=notification_type,
        codename="view_notification",
        defaults={"name": "Can view notification"},
    )
    Group.objects.get_or_create(name="Coordinator")[0].permissions.add(view)
    staff_type = ContentType.objects.get_or_create(app_label="libraries", model="staff")[0]
    LogEntry.objects.create(
        user_id=alice.pk,
        content_type=notification_type,
        object_id=str(min(messages)),
        object_repr="submitted → alice@vaasa.fi",
        action_flag=2,
    )
    return messages, staff_type


@pytest.mark.django_db(transaction=True)
def test_moving_the_outbox_keeps_every_message_tied_to_its_exchange():
    latest = _latest()
    old_apps = _migrate(BEFORE)
    messages, _ = _old_layout_with_messages(old_apps)

    new_apps = _migrate(latest)

    Notification = new_apps.get_model("mail", "Notification")
    ContentType = new_apps.get_model("contenttypes", "ContentType")
    exchange_type = ContentType.objects.get(app_label="exchange", model="exchangerequest")
    moved = {
        message.pk: (message.about_id, message.kind, message.about_type_id)
        for message in Notification.objects.all()
    }
    assert {pk: (about, kind) for pk, (about, kind, _type) in moved.items()} == messages
    for _about, kind, about_type in moved.values():
        assert about_type == (None if kind == "sign_in" else exchange_type.pk)
    assert Notification.objects.get(kind="submitted").status == "pending"


@pytest.mark.django_db(transaction=True)
def test_the_moved_messages_are_found_from_their_exchange_and_new_ones_follow_on():
    from exchange.models import ExchangeRequest
    from mail.models import Notification

    latest = _latest()
    messages, _ = _old_layout_with_messages(_migrate(BEFORE))
    _migrate(latest)

    for exchange in ExchangeRequest.objects.all():
        expected = {pk for pk, (about, _kind) in messages.items() if about == exchange.pk}
        assert set(exchange.notifications.values_list("pk", flat=True)) == expected
        assert set(Notification.objects.filter(exchange=exchange).values_list("pk", flat=True)) == (
            expected
        )
    # The next message gets the next number, not one the copied rows hold.
    newest = Notification.objects.create(
        kind="sign_in", recipient="bo@vaasa.fi", language="sv", dedupe_key="new", subject="Hej"
    )
    assert newest.pk > max(messages)


@pytest.mark.django_db(transaction=True)
def test_the_coordinator_keeps_seeing_the_outbox_and_its_log_after_the_move():
    from django.contrib.admin.models import LogEntry
    from django.contrib.auth.models import Group
    from django.contrib.contenttypes.models import ContentType

    latest = _latest()
    messages, _ = _old_layout_with_messages(_migrate(BEFORE))
    _migrate(latest)
    ContentType.objects.clear_cache()

    coordinator = Group.objects.get(name="Coordinator")
    codenames = {(p.content_type.app_label, p.codename) for p in coordinator.permissions.all()}
    assert ("mail", "view_notification") in codenames
    assert not any(app == "exchange" and "notification" in code for app, code in codenames)
    entry = LogEntry.objects.get()
    assert (entry.content_type.app_label, entry.content_type.model) == ("mail", "notification")
    assert entry.object_id == str(min(messages))
