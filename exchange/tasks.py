"""Celery tasks of the exchanges: the reminder sweep. Safe to run twice."""

from celery import shared_task

from . import reminders


@shared_task(ignore_result=True)
def send_reminders() -> dict:
    """The hourly reminder sweep (also `manage.py send_reminders`)."""
    return reminders.run().as_dict()


@shared_task(ignore_result=True)
def complete_finished_exchanges() -> int:
    """Visits whose last day has passed become completed (part of the reminder sweep)."""
    return reminders.run(steps=["completed"]).completed
