"""Celery tasks of the privacy app."""

from celery import shared_task

from . import retention


@shared_task(ignore_result=True)
def anonymise_personal_data() -> dict:
    """The nightly retention job (also `manage.py anonymise_personal_data`)."""
    return retention.run().as_dict()
