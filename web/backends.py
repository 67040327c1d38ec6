"""How a person signed in, as the session remembers it: the admin opens only for a password.

A librarian signs in with an emailed link and never has a password. The link's view names
EmailLinkBackend when it signs someone in, so that the session records that no password was
given; the admin (web.admin_site) lets in only a session signed in with a password.
"""

from django.contrib.auth import BACKEND_SESSION_KEY, get_user_model
from django.contrib.auth.backends import BaseBackend
from django.core.exceptions import ValidationError
from django.http import HttpRequest

from .prepared import Prepared

PASSWORD = "django.contrib.auth.backends.ModelBackend"
EMAIL_LINK = "web.backends.EmailLinkBackend"


class EmailLinkBackend(BaseBackend):
    """Checks no credentials itself (the link's view has checked the link); it finds the
    signed-in person again on each request, and grants no permissions of its own."""

    def get_user(self, user_id):
        """The active person with this id, read on every signed-in request: one query,
        compiled once (web.prepared)."""
        model = get_user_model()
        try:
            pk = model._meta.pk.to_python(user_id)
        except ValidationError:
            return None
        using = model._default_manager.db
        rows = _SIGNED_IN.rows(pk, using)
        return model.from_db(using, _columns(), rows[0]) if rows else None


def _columns() -> list[str]:
    return [field.attname for field in get_user_model()._meta.concrete_fields]


_SIGNED_IN = Prepared(
    lambda pk: (
        get_user_model()
        ._default_manager.filter(pk=pk, is_active=True)
        .order_by()
        .values_list(*_columns())
    )
)


def signed_in_with_password(request: HttpRequest) -> bool:
    return request.session.get(BACKEND_SESSION_KEY) == PASSWORD
