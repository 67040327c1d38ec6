"""How a person signed in, as the session remembers it: the admin opens only for a password.

A librarian signs in with an emailed link and never has a password. The link's view names
EmailLinkBackend when it signs someone in, so that the session records that no password was
given; the admin (web.admin_site) lets in only a session signed in with a password.
"""

from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.backends import BaseBackend
from django.http import HttpRequest

PASSWORD = "django.contrib.auth.backends.ModelBackend"
EMAIL_LINK = "web.backends.EmailLinkBackend"


class EmailLinkBackend(BaseBackend):
    """Checks no credentials itself (the link's view has checked the link); it finds the
    signed-in person again on each request, and grants no permissions of its own."""

    def get_user(self, user_id):
        staff = get_user_model()._default_manager.filter(pk=user_id, is_active=True).first()
        return staff


def signed_in_with_password(request: HttpRequest) -> bool:
    return request.session.get(BACKEND_SESSION_KEY) == PASSWORD
