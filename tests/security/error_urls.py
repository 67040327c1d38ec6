"""The site's URLs and two views that fail, for the error pages' tests."""

from django.conf.urls.i18n import i18n_patterns
from django.core.exceptions import PermissionDenied
from django.urls import path

from config.urls import urlpatterns
from libraries.models import Library


def forbidden(request):
    raise PermissionDenied


def broken(request):
    # With the database away, this is where a real page would fail.
    Library.objects.count()
    raise RuntimeError("a fault on the site's side")


urlpatterns = [
    *urlpatterns,
    *i18n_patterns(path("forbidden/", forbidden), path("broken/", broken)),
]
