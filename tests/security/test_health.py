"""/health/: 200 when the database (and the broker and cache, when configured) answer, else 503."""

import os

import pytest

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# Nothing listens on port 1: a connection there is refused at once.
NOBODY = "redis://127.0.0.1:1/0"


def test_the_embedded_default_is_healthy_with_the_database_alone(client, settings):
    settings.CELERY_BROKER_URL = ""
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "database": "ok",
        "broker": "not configured",
        "cache": "not configured",
    }
    assert "no-cache" in response["Cache-Control"]


def test_a_broker_that_does_not_answer_makes_the_site_unhealthy(client, settings):
    settings.CELERY_BROKER_URL = NOBODY
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["status"] == "failed"
    assert response.json()["broker"] == "failed"
    assert response.json()["database"] == "ok"


def test_a_cache_that_does_not_answer_makes_the_site_unhealthy(client, settings):
    settings.CELERY_BROKER_URL = ""
    settings.CACHES = {
        "chrome": settings.CACHES["chrome"],
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": NOBODY},
    }
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["cache"] == "failed"


@pytest.mark.redis
def test_with_redis_as_broker_and_cache_the_site_is_healthy(client, settings):
    settings.CELERY_BROKER_URL = REDIS_URL
    settings.CACHES = {
        "chrome": settings.CACHES["chrome"],
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL.rsplit("/", 1)[0] + "/1",
        },
    }
    response = client.get("/health/")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok", "cache": "ok"}


def test_health_lives_outside_the_language_prefixes_and_only_answers_reads(client):
    assert client.head("/health/").status_code == 200
    assert client.post("/health/").status_code == 405
    assert client.get("/fi/health/").status_code == 404


def test_health_is_not_redirected_to_https_but_pages_are(client, settings):
    settings.SECURE_SSL_REDIRECT = True
    assert client.get("/health/").status_code == 200
    response = client.get("/fi/")
    assert response.status_code == 301
    assert response["Location"].startswith("https://")
