"""Celery tasks of the outbox: ids in, idempotent, safe to run twice (see config/settings.py)."""

import smtplib

from celery import shared_task

from . import outbox


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=outbox.MAX_ATTEMPTS - 1)
def send_notification(self, notification_id: int) -> None:
    """Send one outbox row; retried with backoff while the mail server fails for now."""
    try:
        outbox.deliver(notification_id)
    except (smtplib.SMTPException, OSError) as exc:
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
