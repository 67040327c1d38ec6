from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import views

app_name = "mail"
urlpatterns = [
    # Every message written, with its links: only while developing (DEBUG).
    path(_("outbox/"), views.outbox, name="outbox"),
]
