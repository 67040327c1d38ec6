from celery import shared_task

from . import outbox


@shared_task(acks_late=True, ignore_result=True)
def send_notification(notification_id: int) -> None:
    outbox.deliver(notification_id)
