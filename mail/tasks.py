"""Celery tasks of the outbox: ids in, idempotent, safe to run twice (see config/settings.py)."""

import smtplib

from celery import shared_task
from django.db import DatabaseError

from . import outbox


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=outbox.MAX_ATTEMPTS - 1)
def send_notification(self, notification_id: int) -> None:
    """Send one outbox row; retried with backoff while the mail server or the database fails
    for now. A retry sends only when the row's next attempt is due."""
    try:
        outbox.deliver(notification_id, only_if_due=self.request.retries > 0)
    except (smtplib.SMTPException, OSError, DatabaseError) as exc:
        if self.request.is_eager:
            # In-process (no broker): a retry here would run at once, without the wait.
            # The row carries its next attempt time, and the outbox sweep takes it then.
            return
        countdown = outbox.retry_delay(self.request.retries + 1).total_seconds()
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(ignore_result=True)
def send_pending_notifications() -> int:
    """The outbox sweep: send whatever is still waiting and due."""
    return outbox.send_pending()
