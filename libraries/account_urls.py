from django.urls import path
from django.utils.translation import gettext_lazy as _

from . import account_views as views

app_name = "accounts"
urlpatterns = [
    path(_("sign-in/"), views.sign_in, name="sign-in"),
    path(_("sign-in/sent/"), views.sign_in_sent, name="sign-in-sent"),
    path(_("sign-in/link/<slug:token>/"), views.sign_in_link, name="sign-in-link"),
    path(_("sign-out/"), views.sign_out, name="sign-out"),
    path(_("my-details/"), views.profile, name="profile"),
]
