"""Request-level protections: client address, rate limits, lockout page, Permissions-Policy,
the headers of signed-in pages and of pages behind a token, and the CSRF failure page."""

import ipaddress
from collections.abc import Callable
from functools import wraps

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import add_never_cache_headers
from django_ratelimit import UNSAFE
from django_ratelimit.decorators import ratelimit

from .mailboxes import mailbox_key


def client_ip(request: HttpRequest) -> str:
    """The address the request came from.

    Behind nginx, REMOTE_ADDR is the proxy's own address; settings.CLIENT_IP_HEADER then
    names the header the proxy sets (X-Real-IP). A value that is not an IP address is
    ignored, so a forged header cannot break the rate limits or the lockout.
    """
    candidates = []
    if settings.CLIENT_IP_HEADER:
        # The proxy overwrites this header; a list takes the address nearest the client.
        candidates.append(request.META.get(settings.CLIENT_IP_HEADER, "").split(",")[0])
    candidates.append(request.META.get("REMOTE_ADDR", ""))
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate.strip()))
        except ValueError:
            continue
    # A Unix socket without a proxy header: every request shares one address.
    return "0.0.0.0"


def is_loopback(address: str) -> bool:
    """Whether an address (as client_ip gives it) is this machine's own."""
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False


def _rate(group: str, request: HttpRequest) -> str | None:
    """The rate of a group, read per request so that tests and deployments can change it."""
    return settings.RATE_LIMITS.get(group)


def _ip_key(group: str, request: HttpRequest) -> str:
    return client_ip(request)


def posted_email_key(group: str, request: HttpRequest) -> str:
    """The posted email address folded to its mailbox, so that no variant has a count of its
    own, and the client's address: asking again and again for someone else's links from
    elsewhere cannot use up that person's own asking from their own computer."""
    return f"{mailbox_key(request.POST.get('email', ''))}|{client_ip(request)}"


def rate_limit(group: str, key: str | Callable = _ip_key, method=UNSAFE):
    """Limit a view to settings.RATE_LIMITS[group] requests per key (the client's address).

    Over the limit the view does not run: the visitor gets the 429 page and nothing changes.
    Only POSTs (and other unsafe methods) count unless ``method`` says otherwise.
    """
    return ratelimit(group=group, key=key, rate=_rate, method=method, block=True)


def rate_limited(request: HttpRequest, exception: Exception) -> HttpResponse:
    """The page for a request over a rate limit, in the language of the page it came from."""
    response = render(request, "429.html", status=429)
    response["Retry-After"] = str(settings.RATE_LIMIT_RETRY_AFTER)
    # The address may hold a link token (a decision page), which must not travel on.
    response["Referrer-Policy"] = "no-referrer"
    add_never_cache_headers(response)
    return response


def admin_username(request: HttpRequest, credentials: dict | None) -> str | None:
    """The email typed into the admin's sign-in form, as django-axes counts failures by it."""
    if credentials is not None and "username" in credentials:
        value = credentials["username"]
    else:
        value = request.POST.get("username")
    if not isinstance(value, str):
        return None
    # Counted by mailbox, as the account is found (StaffManager.get_by_natural_key); stored
    # with each failure: no NUL (PostgreSQL refuses it) and no more than an address holds.
    return mailbox_key(value.replace("\x00", ""))[:254]


ADMIN_SIGN_IN = "admin:login"


def lockout_parameters(request_or_attempt, credentials: dict | None = None) -> list:
    """What failed admin sign-ins count against, and what a successful sign-in clears.

    Failures count against the address typed together with the client's address, and
    against the client's address alone. Wrong passwords for the coordinator's address typed
    elsewhere lock only those computers, never the coordinator at her own; one computer
    guessing many addresses locks itself out. A sign-in to the admin clears both counts;
    any other sign-in (a librarian's emailed link) clears only its own person's failures,
    so that it cannot lift a lockout on the coordinator's account from the same computer.
    """
    match = getattr(request_or_attempt, "resolver_match", None)
    if isinstance(request_or_attempt, HttpRequest) and (
        match is None or match.view_name != ADMIN_SIGN_IN
    ):
        return ["username"]
    return [["username", "ip_address"], "ip_address"]


def locked_out(request: HttpRequest, original_response, credentials) -> HttpResponse:
    """The admin sign-in page while django-axes keeps the account or address locked out."""
    context = {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
    }
    response = render(request, "security/locked_out.html", context, status=429)
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


class RefuseNulMiddleware:
    """Answer 400 to a request whose query string or form holds a NUL character.

    No form in Kollega takes one, and PostgreSQL refuses to store or even compare text
    with it: refused here, no page has to remember it.
    """

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _holds_nul(request.GET) or (request.method == "POST" and _holds_nul(request.POST)):
            return render(request, "400.html", status=400)
        return self.get_response(request)


def _holds_nul(data) -> bool:
    return any(
        "\x00" in key or any("\x00" in value for value in values) for key, values in data.lists()
    )


class PermissionsPolicyMiddleware:
    """Turn off browser features Kollega never uses (camera, location, payment, ...)."""

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response
        self.header = ", ".join(
            f"{feature}=({' '.join(allowed)})"
            for feature, allowed in settings.PERMISSIONS_POLICY.items()
        )

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if self.header:
            response.setdefault("Permissions-Policy", self.header)
        return response


def private_link_page(view):
    """A page behind a token: never cached, and its address never sent on as a referrer."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        add_never_cache_headers(response)
        # Only the site's origin ever travels as a referrer, never the path with the token.
        # Not "no-referrer": browsers then send "Origin: null" with the page's forms, and
        # the CSRF check refuses every one of them.
        response["Referrer-Policy"] = "strict-origin"
        return response

    return wrapper


class PrivateSignedInPagesMiddleware:
    """A page shown to a signed-in person is theirs: no browser or proxy keeps a copy.

    A response that sets its own Cache-Control keeps it. Anonymous visitors' pages are not
    touched, and a request without a session cookie is not even looked at, so the public
    pages keep their caching (and no Vary: Cookie).
    """

    def __init__(self, get_response: Callable) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if "Cache-Control" in response or settings.SESSION_COOKIE_NAME not in request.COOKIES:
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            response["Cache-Control"] = "private, no-store"
        return response


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """The page for a form refused by the CSRF check, in the page's language, never cached:
    the form may have been posted to a page behind a token, whose address must not travel
    on either."""
    response = render(request, "403_csrf.html", status=403)
    add_never_cache_headers(response)
    response["Referrer-Policy"] = "no-referrer"
    return response
