"""Celery tasks of the feedback app."""

from celery import shared_task

from . import privacy


@shared_task(ignore_result=True)
def anonymise_personal_data() -> dict:
    """The daily retention job (also `manage.py anonymise_personal_data`)."""
    return privacy.run().as_dict()
