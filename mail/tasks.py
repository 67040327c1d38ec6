"""Celery tasks of the outbox: ids in, idempotent, safe to run twice (see config/settings.py)."""

import logging
import smtplib

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.db import DatabaseError

from . import outbox

log = logging.getLogger(__name__)

# What a later attempt may cure: the mail server or the database failing for now.
TEMPORARY = (smtplib.SMTPException, OSError, DatabaseError)


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=outbox.MAX_ATTEMPTS - 1)
def send_notification(self, notification_id: int) -> None:
    """Send one outbox row; retried with backoff while the mail server or the database fails
    for now. A retry sends only when the row's next attempt is due."""
    try:
        outbox.deliver(notification_id, only_if_due=self.request.retries > 0)
    except TEMPORARY as exc:
        if self.request.is_eager:
            # In-process (no broker): a retry here would run at once, without the wait.
            # The row carries its next attempt time, and the outbox sweep takes it then.
            return
        countdown = outbox.retry_delay(self.request.retries + 1).total_seconds()
        raise self.retry(exc=exc, countdown=countdown) from exc


@shared_task(bind=True, acks_late=True, ignore_result=True, max_retries=outbox.MAX_ATTEMPTS - 1)
def send_notifications(self, notification_ids: list[int]) -> None:
    """Send the outbox rows one transition wrote, each as send_notification sends one.

    A message that fails does not hold back the others. Those that failed for now are
    retried together, and only they: the retry carries their ids alone, so a message that
    went out is not even looked at again (and if it were, its claimed row would keep it
    from going twice).
    """
    failed: list[int] = []
    error: Exception | None = None
    with outbox.drawing_together():
        for notification_id in notification_ids:
            try:
                outbox.deliver(notification_id, only_if_due=self.request.retries > 0)
            except TEMPORARY as exc:
                failed.append(notification_id)
                error = exc
            except SoftTimeLimitExceeded:
                # Out of time: what is left waits for the outbox sweep.
                raise
            except Exception:  # noqa: BLE001  (left to the outbox sweep; the next one goes on)
                log.exception("could not send notification %s", notification_id)
    if not failed or self.request.is_eager:
        # In-process, the failed rows wait for the outbox sweep (see send_notification).
        return
    countdown = outbox.retry_delay(self.request.retries + 1).total_seconds()
    raise self.retry(args=[failed], exc=error, countdown=countdown) from error


@shared_task(ignore_result=True)
def send_pending_notifications() -> int:
    """The outbox sweep: send whatever is still waiting and due."""
    return outbox.send_pending()
