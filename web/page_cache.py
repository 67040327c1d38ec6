"""Whole pages kept for readers who are not signed in, the form token written in for each.

A public page, or a supervisor's decision page before the answer, is the same for everyone
who is not signed in, but for one thing: the CSRF token of its forms (the language switch, the
decision form), which is each browser's own. Such a page is drawn once with a stand-in where
the token goes, kept by the caller under a key that changes with everything the page shows
(its address, its language and the versions of its content), and the token of the request is
written in when it is sent. A signed-in reader (the header names them) and a reader with a
message waiting (shown once at the top of the next page) get the page drawn for them.
"""

from django.contrib.messages import get_messages
from django.http import HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.template.loader import render_to_string

# Where the token goes in a kept page: letters only, so that the template writes it as it is,
# and long enough to appear nowhere else.
TOKEN_STAND_IN = "kollegaKeptPageCsrfTokenStandIn"


def can_keep(request: HttpRequest) -> bool:
    """Whether this request's page is the one kept for everyone who is not signed in."""
    if request.method not in ("GET", "HEAD"):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    # The length reads the waiting messages without marking them shown.
    return not len(get_messages(request))


def drawn(request: HttpRequest, template_name: str, context: dict) -> str:
    """The page as render() draws it for this request, with the stand-in for the token."""
    return render_to_string(template_name, {**context, "csrf_token": TOKEN_STAND_IN}, request)


def response(request: HttpRequest, page: str) -> HttpResponse:
    """A kept page with this request's token written in; the token's cookie is set as a
    drawn page sets it."""
    return HttpResponse(page.replace(TOKEN_STAND_IN, get_token(request)))
