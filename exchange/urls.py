from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import link_views, views

app_name = "exchange"
urlpatterns: list = []

# The visitor's pages.
urlpatterns += [
    path(_("exchanges/"), views.my_exchanges, name="my-exchanges"),
    path(_("suggested-hosts/"), views.suggested_hosts, name="suggestions"),
    path(_("exchanges/new/"), views.request_create, name="request-create"),
    path(_("exchanges/<int:pk>/"), views.request_detail, name="request-detail"),
    path(_("exchanges/<int:pk>/edit/"), views.request_edit, name="request-edit"),
    path(_("exchanges/<int:pk>/submit/"), views.request_submit, name="request-submit"),
    path(_("exchanges/<int:pk>/cancel/"), views.request_cancel, name="request-cancel"),
    path(_("exchanges/<int:pk>/accept-dates/"), views.dates_accept, name="dates-accept"),
    path(_("exchanges/<int:pk>/refuse-dates/"), views.dates_refuse, name="dates-refuse"),
]

# Pages behind signed links, for people without an account.
urlpatterns += [
    path(_("decision/<str:token>/"), link_views.approval_link, name="approval-link"),
    path(_("arrangements/<str:token>/"), link_views.arrangements_link, name="arrangements-link"),
    path(_("mentor/<str:token>/"), link_views.mentor_link, name="mentor-link"),
]
