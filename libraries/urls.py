from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import host_views, pages_views, views

app_name = "libraries"
urlpatterns = [
    path(_("libraries/"), views.directory, name="directory"),
    path(_("libraries/calendar/"), views.month_view, name="month-view"),
    path(_("libraries/<slug:slug>/"), views.library_detail, name="library-detail"),
    path(_("host-page/"), host_views.host_pages, name="host-pages"),
    path(_("host-page/<slug:slug>/"), host_views.host_page, name="host-page"),
    path(_("accessibility/"), pages_views.accessibility, name="accessibility"),
    path(_("privacy/"), pages_views.privacy, name="privacy"),
]
