"""The outbox: every email is a Notification row written in the caller's transaction.

Sending is queued with transaction.on_commit, so a rolled-back transition sends nothing,
and the Celery task takes only ids: one row's, or those of the rows one batch wrote. Each app
composes its own messages (templates/emails/<kind>.*) and hands them to `enqueue`; this
module only renders, stores, sends and retries.

A message an app can draw again from a few stored values (`draw_from`, with the app's
drawer: `provide_drawer`) is written without its text when a Celery worker sends the
messages: the worker draws it just before sending it, so the request that caused it does not
wait for its templates. Run in-process (no broker), every message is drawn at once, as the
task that sends it runs in the same request anyway.
"""

import logging
import smtplib
import threading
from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import EmailMultiAlternatives
from django.db import DatabaseError, IntegrityError, models, transaction
from django.template.context import Context
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.safestring import SafeString, mark_safe

from .models import Notification

log = logging.getLogger(__name__)
T = TypeVar("T")


@dataclass
class Recipient:
    email: str
    name: str
    language: str


# What the frame of every message (emails/base.*) shows besides the message itself: who
# sends it and how to reach them. The app that keeps the coordinator's contact details
# provides it (libraries), since this layer cannot look above itself.
_frame: Callable[[Recipient], dict] | None = None

# The messages of the batch open in this thread (see `batch`), or None outside one.
_batch = threading.local()


def provide_frame(provider: Callable[[Recipient], dict]) -> None:
    """Set the function that gives the frame's context for one recipient."""
    global _frame
    _frame = provider


# Who a reply to a message reaches: a function of the recipient's address giving a name and
# an address, or None for no Reply-To (the sender's own address then takes the reply).
_reply_to: Callable[[str], tuple[str, str] | None] | None = None


def provide_reply_to(provider: Callable[[str], tuple[str, str] | None]) -> None:
    """Set the function that gives the Reply-To of a message to this address."""
    global _reply_to
    _reply_to = provider


# How a message written without its text is drawn, by the model it is about ("app.model"):
# a function of the row and its recipient giving the message's context and its calendar
# text (it reads the object the row is about itself, with what the message shows of it).
Drawer = Callable[[Notification, Recipient], tuple[dict, str]]
_drawers: dict[str, Drawer] = {}


def provide_drawer(model: str, drawer: Drawer) -> None:
    """Set how the messages about this model ("app.Model") that keep `draw_from` are drawn
    by the worker that sends them (from the app that writes them, when it is ready)."""
    _drawers[model.lower()] = drawer


def draws_later() -> bool:
    """Whether a message that can be drawn later is written without its text: when a Celery
    worker, not this process, sends the messages."""
    from celery import current_app

    return not current_app.conf.task_always_eager


def once_per_batch(key: Hashable, compute: Callable[[], T]) -> T:
    """What `compute` gives; inside a batch, what it gave the first time in that batch.

    For what every message of one transition shares, such as the sender's details in the
    frame: read once for all of them, in the same transaction.
    """
    memo = getattr(_batch, "memo", None)
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def drawn_once(
    context: Context,
    name: str,
    reads: tuple[Hashable, ...],
    *,
    lasting: bool = False,
    **values,
) -> SafeString:
    """emails/includes/<name> drawn as `{% include name with values %}` draws it in this
    context; inside a batch, what it gave the first message that read the same.

    For a block every recipient of one transition gets alike in their language. `reads` holds
    what the block reads from the context, so that a message whose block would read otherwise
    never gets another's. A `lasting` block reads nothing else that can change while the
    process runs (the coordinator's signature): it is kept for every later message too.
    """

    def draw() -> SafeString:
        block = context.template.engine.get_template(f"emails/includes/{name}")
        with context.push(**values):
            return mark_safe(block.render(context))

    key = (name, translation.get_language(), context.autoescape, *values.items(), *reads)
    if not lasting:
        return once_per_batch(key, draw)
    drawn = _lasting.get(key)
    if drawn is None:
        if len(_lasting) >= LASTING_BLOCKS:
            _lasting.clear()
        drawn = _lasting[key] = draw()
    return drawn


# The lasting blocks drawn in this process (see drawn_once), by what they read; at most this
# many, so that contact details edited again and again cannot make the process grow.
_lasting: dict[tuple, SafeString] = {}
LASTING_BLOCKS = 64


def absolute_url(path: str) -> str:
    """An absolute link for an email, from SITE_URL."""
    return settings.SITE_URL + path


def enqueue(
    *,
    kind: str,
    recipient: Recipient,
    dedupe_key: str,
    context: dict,
    about: models.Model | None = None,
    calendar: str | Callable[[], str] = "",
    draw_from: dict | None = None,
) -> Notification | None:
    """Render emails/<kind>.{subject.txt,txt,html} in the recipient's language and queue it.

    `about` is the object the message is about, if any; `calendar` an iCalendar text sent
    along (or the function that makes it). `draw_from` holds the values, in JSON, from which
    the drawer of `about`'s model (provide_drawer) gives the same context and calendar again:
    with them, a message sent by a worker is written without its text and drawn there
    (draws_later). Returns None when a message with the same dedupe key exists already.
    """
    pending = getattr(_batch, "messages", None)
    if pending is not None:
        if any(message.dedupe_key == dedupe_key for message in pending):
            return None
    elif Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    now = timezone.now()
    notification = Notification(
        kind=kind,
        about_type=ContentType.objects.get_for_model(about) if about else None,
        about_id=about.pk if about else None,
        recipient=recipient.email,
        recipient_name=recipient.name,
        language=recipient.language,
        dedupe_key=dedupe_key,
        draw_from=draw_from or {},
        created_at=now,
        next_attempt_at=now + SWEEP_GRACE,
    )
    if not (draw_from and about is not None and draws_later()):
        notification.subject, notification.body_text, notification.body_html = render(
            kind, recipient, context
        )
        notification.calendar = calendar() if callable(calendar) else calendar
    if pending is not None:
        # Written with the batch's other messages when the batch ends.
        pending.append(notification)
        return notification
    return _store(notification)


def render(kind: str, recipient: Recipient, context: dict) -> tuple[str, str, str]:
    """The subject, the text and the HTML of a message as `enqueue` writes them."""
    context = {
        **(_frame(recipient) if _frame else {}),
        **context,
        "recipient": recipient,
        "site_url": settings.SITE_URL,
    }
    with translation.override(recipient.language):
        subject = render_to_string(f"emails/{kind}.subject.txt", context)
        body_text = render_to_string(f"emails/{kind}.txt", context)
        body_html = render_to_string(f"emails/{kind}.html", context)
    return " ".join(subject.split())[:300], _tidy(body_text), body_html


def draw(notification: Notification) -> None:
    """Write the text of a message written without it, from its `draw_from`, as it would
    have been written in the request: the object it is about as it is now, the recipient
    in the row. Saved at once, so that a later attempt sends the same text."""
    if notification.drawn:
        return
    model = notification.about_type and notification.about_type.model_class()
    drawer = _drawers.get(model._meta.label_lower) if model else None
    if drawer is None:
        raise LookupError(f"nothing to draw notification {notification.pk} from")
    recipient = Recipient(
        email=notification.recipient,
        name=notification.recipient_name,
        language=notification.language,
    )
    context, calendar = drawer(notification, recipient)
    notification.subject, notification.body_text, notification.body_html = render(
        notification.kind, recipient, context
    )
    notification.calendar = calendar
    Notification.objects.filter(pk=notification.pk).update(
        subject=notification.subject,
        body_text=notification.body_text,
        body_html=notification.body_html,
        calendar=notification.calendar,
    )


def _store(notification: Notification) -> Notification | None:
    """Write one message and queue it when the caller's transaction commits."""
    try:
        # A savepoint: a concurrent writer of the same key (two sweeps at once) costs this
        # message, not the caller's whole transaction.
        with transaction.atomic():
            notification.save(force_insert=True)
    except IntegrityError:
        return None
    transaction.on_commit(lambda: queue(notification.pk))
    return notification


@contextmanager
def batch() -> Iterator[None]:
    """Write the messages enqueued inside it together: one insert that leaves out those whose
    dedupe key is taken, instead of a query and an insert per message.

    A message whose key is taken (already in the outbox, earlier in the same batch or written
    meanwhile by a concurrent writer) is left out, as `enqueue` leaves it out alone. A batch
    inside a batch joins the outer one.
    """
    if getattr(_batch, "messages", None) is not None:
        yield
        return
    _batch.messages = []
    _batch.memo = {}
    try:
        yield
        messages = _batch.messages
    finally:
        _batch.messages = None
        _batch.memo = None
    if not messages:
        return
    ids = _insert_new(messages)
    if ids:
        transaction.on_commit(lambda: queue(*ids))


@contextmanager
def drawing_together() -> Iterator[None]:
    """Messages drawn inside it share what once_per_batch gives and the blocks drawn_once
    draws, as the messages of one batch share them when written: the sending task draws one
    transition's messages together, reading what they have in common once."""
    if getattr(_batch, "memo", None) is not None:
        yield
        return
    _batch.memo = {}
    try:
        yield
    finally:
        _batch.memo = None


def _insert_new(messages: list[Notification]) -> list[int]:
    """Write the messages whose dedupe key is free, in one statement, and give their ids.

    ON CONFLICT DO NOTHING leaves out a message whose key is taken, whether it was in the
    outbox already or written meanwhile by a concurrent writer (which the insert waits for),
    without a query for the taken keys first or a savepoint around the insert. Django's
    bulk_create gives no ids when it ignores conflicts, so the statement is built here from
    the model's fields.
    """
    connection = transaction.get_connection(Notification.objects.db)
    meta = Notification._meta
    fields = [field for field in meta.concrete_fields if not field.primary_key]
    quote = connection.ops.quote_name
    key = quote(meta.get_field("dedupe_key").column)
    row = "(" + ", ".join(["%s"] * len(fields)) + ")"
    # Within the database's limit on parameters per statement (SQLite's).
    size = max(connection.ops.bulk_batch_size(fields, messages), 1)
    written: dict[str, int] = {}
    with connection.cursor() as cursor:
        for start in range(0, len(messages), size):
            chunk = messages[start : start + size]
            cursor.execute(
                f"INSERT INTO {quote(meta.db_table)} "
                f"({', '.join(quote(field.column) for field in fields)}) "
                f"VALUES {', '.join([row] * len(chunk))} "
                f"ON CONFLICT ({key}) DO NOTHING RETURNING {quote(meta.pk.column)}, {key}",
                [
                    field.get_db_prep_save(field.pre_save(message, True), connection)
                    for message in chunk
                    for field in fields
                ],
            )
            written.update((dedupe_key, pk) for pk, dedupe_key in cursor.fetchall())
    ids = []
    for message in messages:
        if message.dedupe_key in written:
            message.pk = written[message.dedupe_key]
            message._state.adding = False
            message._state.db = connection.alias
            ids.append(message.pk)
    return ids


def _tidy(text: str) -> str:
    """A text part as a person reads it: no trailing spaces, at most one empty line in a row
    (a template's optional parts leave more behind), and one line break at the end."""
    # "-- " keeps its space: it is the separator mail programs know the footer by.
    lines = [line if line == "-- " else line.rstrip() for line in text.strip().splitlines()]
    tidy: list[str] = []
    for line in lines:
        if line or (tidy and tidy[-1]):
            tidy.append(line)
    return "\n".join(tidy) + "\n"


def _address(name: str, email: str) -> str:
    """The To header: the quoted name and the address; the backend encodes a non-ASCII name."""
    if not name:
        return email
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}" <{email}>'


def queue(*notification_ids: int) -> None:
    """Hand messages to Celery, those of one batch in one task; when the broker is down, leave
    them to the outbox sweep."""
    from .tasks import send_notification, send_notifications

    try:
        if len(notification_ids) == 1:
            send_notification.delay(notification_ids[0])
        elif notification_ids:
            # One broker message for the batch rather than one per message: publishing is
            # most of what queueing costs the request.
            send_notifications.delay(list(notification_ids))
    except Exception:  # noqa: BLE001
        # The broker is down: the rows stay pending and the outbox sweep sends them later.
        log.warning(
            "could not queue notifications %s; the sweep will send them",
            ", ".join(map(str, notification_ids)),
        )


# After this many failed attempts a message is marked failed and left to the coordinator.
MAX_ATTEMPTS = 5
# Messages younger than this are left to the task that was queued for them.
SWEEP_GRACE = timedelta(minutes=2)
# The error of a message whose sender stopped between claiming it and recording the answer.
INTERRUPTED = "SendInterrupted: no answer from the mail server was recorded; it may have gone"


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the given number of failed attempts: doubling, capped."""
    seconds = settings.OUTBOX_RETRY_DELAY * 2 ** max(attempts - 1, 0)
    return timedelta(seconds=min(seconds, settings.OUTBOX_RETRY_MAX_DELAY))


def is_permanent(exc: Exception) -> bool:
    """A refusal that no retry can change: a 5xx reply, or recipients refused for good.

    A server that refuses every recipient with 4xx (greylisting, a full mailbox) is asked
    again later; anything 5xx, or a refusal without a code, is final.
    """
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = [code for code, _message in exc.recipients.values()]
        return not codes or any(code >= 500 for code in codes)
    if isinstance(exc, smtplib.SMTPResponseException):
        return 500 <= exc.smtp_code < 600
    return False


def _message(notification: Notification) -> EmailMultiAlternatives:
    reply_to = _reply_to(notification.recipient) if _reply_to else None
    message = EmailMultiAlternatives(
        subject=notification.subject,
        body=notification.body_text,
        to=[_address(notification.recipient_name, notification.recipient)],
        reply_to=[_address(*reply_to)] if reply_to else None,
        headers={"Message-ID": notification.message_id},
    )
    if notification.body_html:
        message.attach_alternative(notification.body_html, "text/html")
    if notification.calendar:
        # The method in the MIME type lets mail programs offer it as an invitation (or
        # apply a cancellation) instead of showing a plain file.
        method = calendar_method(notification.calendar)
        message.attach("kollega.ics", notification.calendar, f"text/calendar; method={method}")
    return message


def calendar_method(calendar: str) -> str:
    for line in calendar.splitlines():
        if line.upper().startswith("METHOD:"):
            return line.split(":", 1)[1].strip().upper()
    return "PUBLISH"


def claim_timeout() -> timedelta:
    """How long a claim may stand before nobody can still be sending it: the longest a send
    task may run (after that Celery has killed it), and a minute more."""
    return timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60)


def _claim(notification_id: int, *, only_if_due: bool) -> Notification | None:
    """Take a pending message for sending, in a transaction of its own.

    Once committed, the row says "being sent": no other task or sweep takes it, whatever
    happens next. A row another sender holds locked right now is skipped, not waited for.
    """
    now = timezone.now()
    with transaction.atomic():
        pending = Notification.objects.select_for_update(skip_locked=True).filter(
            pk=notification_id, status=Notification.Status.PENDING
        )
        if only_if_due:
            pending = pending.filter(next_attempt_at__lte=now)
        notification = pending.first()
        if notification is None:
            return None
        notification.status = Notification.Status.SENDING
        notification.claimed_at = now
        notification.attempts += 1
        notification.save(update_fields=["status", "claimed_at", "attempts"])
    return notification


def _record(notification: Notification, fields: list[str]) -> None:
    """Write what the mail server said, in a second transaction; a row no longer "being
    sent" (the sweep gave up on it meanwhile) is left as it is."""
    updated = Notification.objects.filter(
        pk=notification.pk, status=Notification.Status.SENDING
    ).update(**{name: getattr(notification, name) for name in fields})
    if not updated:
        log.warning("notification %s changed while it was sent; kept as it is", notification.pk)


def deliver(notification_id: int, *, only_if_due: bool = False) -> bool:
    """Send one pending notification once. Returns True when this call sent it.

    The row is claimed and committed before the mail server is spoken to, and the result is
    recorded after, so a message the server accepted is never sent again: if the result
    cannot be recorded (the database went away, the worker was killed), the row stays
    "being sent" and the sweep marks its outcome unknown for the coordinator. A message
    written without its text is drawn first (draw). A permanent refusal, or any error
    building the message, marks it failed at once; a temporary one (the database's too)
    is recorded with the time of the next attempt and re-raised, so the task can retry.
    With only_if_due, a message whose next attempt is still ahead is left alone.
    """
    notification = _claim(notification_id, only_if_due=only_if_due)
    if notification is None:
        return False
    failure: Exception | None = None
    try:
        draw(notification)
        _message(notification).send()
    except (smtplib.SMTPException, OSError, DatabaseError) as exc:
        notification.error = f"{type(exc).__name__}: {exc}"[:2000]
        if is_permanent(exc) or notification.attempts >= MAX_ATTEMPTS:
            notification.status = Notification.Status.FAILED
        else:
            failure = exc
            notification.status = Notification.Status.PENDING
            notification.next_attempt_at = timezone.now() + retry_delay(notification.attempts)
    except Exception as exc:  # noqa: BLE001  (a message that cannot be built never will be)
        log.exception("could not build notification %s", notification_id)
        notification.error = f"{type(exc).__name__}: {exc}"[:2000]
        notification.status = Notification.Status.FAILED
    else:
        notification.status = Notification.Status.SENT
        notification.sent_at = timezone.now()
        notification.error = ""
    _record(notification, ["status", "error", "next_attempt_at", "sent_at"])
    if notification.status == Notification.Status.FAILED:
        log.error("gave up on notification %s: %s", notification_id, notification.error)
        return False
    if failure is not None:
        log.warning("could not send notification %s: %s", notification_id, failure)
        raise failure
    log.info("sent notification %s (%s)", notification.pk, notification.kind)
    return True


def give_up_on_stale_claims() -> int:
    """Messages claimed so long ago that no sender can still hold them: the server may have
    accepted them, so they are not sent again but shown to the coordinator as unknown."""
    return Notification.objects.claims_gone_stale(timezone.now() - claim_timeout()).update(
        status=Notification.Status.UNKNOWN, error=INTERRUPTED
    )


def send_pending(limit: int = 500) -> int:
    """Send what is still unsent and due (the broker was down, a task was lost, a retry
    waits), oldest first. One message that cannot be sent never holds back the others.
    Returns how many went out."""
    give_up_on_stale_claims()
    ids = list(
        Notification.objects.due(timezone.now())
        .order_by("next_attempt_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    with drawing_together():
        for notification_id in ids:
            try:
                sent += deliver(notification_id, only_if_due=True)
            except Exception:  # noqa: BLE001  (recorded on the row; the next one goes on)
                continue
    return sent


def resend(notification_id: int) -> bool:
    """A failed message, or one whose outcome is unknown, goes back to the outbox and is
    queued again (the coordinator's Resend). Returns False for any other message."""
    with transaction.atomic():
        updated = Notification.objects.filter(
            pk=notification_id,
            status__in=[Notification.Status.FAILED, Notification.Status.UNKNOWN],
        ).update(status=Notification.Status.PENDING, attempts=0, next_attempt_at=timezone.now())
        if updated:
            transaction.on_commit(lambda: queue(notification_id))
    return bool(updated)
