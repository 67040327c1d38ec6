from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import pages_views, views

app_name = "libraries"
urlpatterns = [
    path(_("libraries/"), views.directory, name="directory"),
    path(_("libraries/<slug:slug>/"), views.library_detail, name="library-detail"),
    path(_("accessibility/"), pages_views.accessibility, name="accessibility"),
    path(_("privacy/"), pages_views.privacy, name="privacy"),
]
