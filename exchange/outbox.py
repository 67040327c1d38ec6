"""The outbox: every email is a Notification row written in the caller's transaction.

Sending is queued with transaction.on_commit, so a rolled-back transition sends nothing,
and the Celery task takes only the row's id.
"""

import logging
import smtplib
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone, translation

from .models import ExchangeRequest, Notification

log = logging.getLogger(__name__)


@dataclass
class Recipient:
    email: str
    name: str
    language: str


def absolute_url(path: str) -> str:
    """An absolute link for an email, from SITE_URL."""
    return settings.SITE_URL + path


def enqueue(
    *,
    kind: str,
    recipient: Recipient,
    dedupe_key: str,
    context: dict,
    exchange: ExchangeRequest | None = None,
    calendar: str = "",
) -> Notification | None:
    """Render emails/<kind>.{subject.txt,txt,html} in the recipient's language and queue it.

    Returns None when a message with the same dedupe key exists already.
    """
    if Notification.objects.filter(dedupe_key=dedupe_key).exists():
        return None
    context = {
        **context,
        "recipient": recipient,
        "exchange": exchange,
        "site_url": settings.SITE_URL,
    }
    with translation.override(recipient.language):
        subject = render_to_string(f"emails/{kind}.subject.txt", context)
        body_text = render_to_string(f"emails/{kind}.txt", context)
        body_html = render_to_string(f"emails/{kind}.html", context)
    notification = Notification.objects.create(
        kind=kind,
        exchange=exchange,
        recipient=recipient.email,
        recipient_name=recipient.name,
        language=recipient.language,
        dedupe_key=dedupe_key,
        subject=" ".join(subject.split())[:300],
        body_text=body_text.strip() + "\n",
        body_html=body_html,
        calendar=calendar,
    )
    transaction.on_commit(lambda: _queue(notification.pk))
    return notification


def _address(name: str, email: str) -> str:
    """The To header: the quoted name and the address; the backend encodes a non-ASCII name."""
    if not name:
        return email
    quoted = name.replace("\\", "\\\\").replace('"', '\\"')
    return f'"{quoted}" <{email}>'


def _queue(notification_id: int) -> None:
    from .tasks import send_notification

    try:
        send_notification.delay(notification_id)
    except Exception:  # noqa: BLE001
        # The broker is down: the row stays pending and the outbox sweep sends it later.
        log.warning("could not queue notification %s; the sweep will send it", notification_id)


# After this many failed attempts a message is marked failed and left to the coordinator.
MAX_ATTEMPTS = 5
# Messages younger than this are left to the task that was queued for them.
SWEEP_GRACE = timedelta(minutes=2)


def deliver(notification_id: int) -> bool:
    """Send one pending notification once. Returns True when this call sent it.

    The row stays locked while the message goes out, so a task and the sweep cannot both
    send it. A failed attempt is recorded on the row and the error re-raised for a retry.
    """
    failure: Exception | None = None
    with transaction.atomic():
        notification = (
            Notification.objects.select_for_update()
            .filter(pk=notification_id, status=Notification.Status.PENDING)
            .first()
        )
        if notification is None:
            return False
        notification.attempts += 1
        message = EmailMultiAlternatives(
            subject=notification.subject,
            body=notification.body_text,
            to=[_address(notification.recipient_name, notification.recipient)],
        )
        if notification.body_html:
            message.attach_alternative(notification.body_html, "text/html")
        if notification.calendar:
            message.attach("kollega.ics", notification.calendar, "text/calendar")
        try:
            message.send()
        except (smtplib.SMTPException, OSError) as exc:
            failure = exc
            notification.error = f"{type(exc).__name__}: {exc}"[:2000]
            if notification.attempts >= MAX_ATTEMPTS:
                notification.status = Notification.Status.FAILED
            notification.save(update_fields=["status", "attempts", "error"])
        else:
            notification.status = Notification.Status.SENT
            notification.sent_at = timezone.now()
            notification.error = ""
            notification.save(update_fields=["status", "sent_at", "attempts", "error"])
    if failure is not None:
        log.warning("could not send notification %s: %s", notification_id, failure)
        raise failure
    log.info("sent notification %s (%s)", notification.pk, notification.kind)
    return True


def send_pending(limit: int = 500) -> int:
    """Send what is still unsent (the broker was down, a task was lost). Returns how many."""
    cutoff = timezone.now() - SWEEP_GRACE
    ids = list(
        Notification.objects.unsent()
        .filter(created_at__lte=cutoff)
        .order_by("created_at")
        .values_list("pk", flat=True)[:limit]
    )
    sent = 0
    for notification_id in ids:
        try:
            sent += deliver(notification_id)
        except (smtplib.SMTPException, OSError):
            continue
    return sent
