"""Celery is set up for email work, and beat runs both sweeps (config/settings.py)."""

from celery.schedules import crontab
from django.conf import settings

from config.celery import app as celery_app
from mail import outbox


def test_a_task_is_acknowledged_after_it_ran_and_a_worker_holds_one_at_a_time():
    assert celery_app.conf.task_acks_late is True
    assert celery_app.conf.task_reject_on_worker_lost is True
    assert celery_app.conf.worker_prefetch_multiplier == 1


def test_redis_redelivers_only_after_the_longest_retry_wait():
    longest_wait = max(
        outbox.retry_delay(attempt).total_seconds() for attempt in range(1, outbox.MAX_ATTEMPTS)
    )

    assert celery_app.conf.broker_transport_options["visibility_timeout"] > longest_wait
    assert settings.OUTBOX_RETRY_MAX_DELAY >= longest_wait


def test_a_stuck_mail_server_frees_the_worker_before_the_task_time_limit():
    assert 0 < settings.EMAIL_TIMEOUT < celery_app.conf.task_soft_time_limit
    assert celery_app.conf.task_soft_time_limit < celery_app.conf.task_time_limit


def test_beat_runs_the_outbox_sweep_often_the_reminders_hourly_and_retention_nightly():
    schedule = {
        entry["task"]: entry["schedule"] for entry in settings.CELERY_BEAT_SCHEDULE.values()
    }

    assert schedule == {
        "mail.tasks.send_pending_notifications": 5 * 60,
        "exchange.tasks.send_reminders": 60 * 60,
        "privacy.tasks.anonymise_personal_data": crontab(hour=3, minute=15),
    }
    celery_app.loader.import_default_modules()
    assert set(schedule) <= set(celery_app.tasks)
