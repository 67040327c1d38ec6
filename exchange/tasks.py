import smtplib

from celery import shared_task

from . import outbox, workflow


@shared_task(
    acks_late=True,
    ignore_result=True,
    autoretry_for=(smtplib.SMTPException, OSError),
    retry_backoff=60,
    retry_backoff_max=3600,
    retry_jitter=True,
    max_retries=outbox.MAX_ATTEMPTS - 1,
)
def send_notification(notification_id: int) -> None:
    """Send one outbox row; retried with backoff while the mail server fails."""
    outbox.deliver(notification_id)


@shared_task(ignore_result=True)
def send_pending_notifications() -> int:
    """The beat sweep: send whatever is still waiting in the outbox."""
    return outbox.send_pending()


@shared_task(ignore_result=True)
def complete_finished_exchanges() -> int:
    """The daily beat task: visits whose last day has passed become completed."""
    return workflow.complete_finished()
