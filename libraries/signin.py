"""Passwordless sign-in: one-time links sent by email.

A link carries a random token; the database keeps only its SHA-256 hash, so a leaked
database row cannot be turned into a working link. A link works once and for
settings.SIGN_IN_LINK_MAX_AGE seconds.
"""

import hashlib
import secrets
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from enum import Enum
from urllib.parse import urlsplit

from django.conf import settings
from django.core.cache import cache
from django.db import IntegrityError, transaction
from django.urls import Resolver404, resolve, reverse
from django.utils import timezone, translation
from django.utils.http import url_has_allowed_host_and_scheme

from mail import outbox
from web.mailboxes import mailbox_key

from .models import Library, SignInLink, Staff

# At most this many links per address within one validity period, so that the form
# cannot be used to flood someone's inbox.
MAX_LINKS_PER_PERIOD = 5
# Links older than this are deleted when new ones are made.
KEEP_LINKS_FOR = timedelta(days=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def email_domain(email: str) -> str:
    return email.rsplit("@", 1)[-1].strip().lower() if "@" in email else ""


def is_known_domain(email: str) -> bool:
    domain = email_domain(email)
    return bool(domain) and Library.objects.with_domain(domain).exists()


def safe_next_url(url: str | None, host: str | None = None) -> str:
    """The given URL when it stays on this site, else an empty string."""
    if url and url_has_allowed_host_and_scheme(
        url, allowed_hosts={host} if host else set(), require_https=False
    ):
        return url
    return ""


def link_path(token: str, language: str) -> str:
    with translation.override(language):
        return reverse("accounts:sign-in-link", args=[token])


def request_link(email: str, page_language: str, next_url: str = "") -> SignInLink | None:
    """Email a sign-in link when the address may sign in; otherwise do nothing.

    Known staff get the link in their own language; a new person from a registered
    library's email domain gets it in the language of the page they used. The caller
    answers the same either way, so nobody learns which addresses Kollega knows.

    The address is taken as a mailbox (web/mailboxes.py): a variant of a known person's
    address signs into their account, and the link goes to the address they gave, not to
    the variant; a new person's account is made under the folded address, so that no
    variant can become a second account beside theirs.
    """
    staff = Staff.objects.for_mailbox(email)
    if staff is not None:
        if not staff.is_active:
            return None
        email, language, name = staff.email, staff.language, staff.name
    elif is_known_domain(mailbox_key(email)):
        email, language, name = mailbox_key(email), page_language, ""
    else:
        return None

    now = timezone.now()
    period_start = now - timedelta(seconds=settings.SIGN_IN_LINK_MAX_AGE)
    if SignInLink.objects.for_email(email).created_since(period_start).count() >= (
        MAX_LINKS_PER_PERIOD
    ):
        return None

    token = secrets.token_urlsafe(32)
    with transaction.atomic():
        SignInLink.objects.filter(created_at__lt=now - KEEP_LINKS_FOR).delete()
        link = SignInLink.objects.create(
            token_hash=hash_token(token),
            email=email,
            language=language,
            next_url=next_url[:500],
            created_at=now,
        )
        outbox.enqueue(
            kind="sign_in",
            recipient=outbox.Recipient(email=email, name=name, language=language),
            dedupe_key=f"sign_in:{link.pk}",
            context={
                "link_url": outbox.absolute_url(link_path(token, language)),
                "minutes": settings.SIGN_IN_LINK_MAX_AGE // 60,
                "is_new": staff is None,
            },
        )
    return link


def asked_too_often(email: str) -> bool:
    """Count one more request for a link to this address; True once this period's links are
    all given out. Counted for every address alike, known or not, so the answer tells nobody
    which addresses Kollega knows; and said to the person, so a link held back is never
    claimed to be on its way."""
    key = f"sign-in-asked:{hash_token(mailbox_key(email))}"
    cache.add(key, 0, settings.SIGN_IN_LINK_MAX_AGE)
    try:
        asked = cache.incr(key)
    except ValueError:
        # The cache is away: the cap on links in the database still guards the inbox.
        return False
    return asked > MAX_LINKS_PER_PERIOD


class Problem(Enum):
    UNKNOWN = "unknown"
    USED = "used"
    EXPIRED = "expired"
    REFUSED = "refused"


@dataclass
class Check:
    link: SignInLink | None
    problem: Problem | None

    @property
    def ok(self) -> bool:
        return self.problem is None


def check_link(token: str, *, lock: bool = False) -> Check:
    """Look a token up without changing anything."""
    queryset = SignInLink.objects.select_for_update() if lock else SignInLink.objects
    link = queryset.filter(token_hash=hash_token(token)).first()
    if link is None:
        return Check(None, Problem.UNKNOWN)
    if link.is_used:
        return Check(link, Problem.USED)
    if link.is_expired():
        return Check(link, Problem.EXPIRED)
    staff = Staff.objects.for_mailbox(link.email)
    if staff is not None and not staff.is_active:
        return Check(link, Problem.REFUSED)
    if staff is None and not is_known_domain(link.email):
        return Check(link, Problem.REFUSED)
    return Check(link, None)


@dataclass
class Result:
    staff: Staff | None
    link: SignInLink | None
    problem: Problem | None


def consume_link(token: str) -> Result:
    """Use a link once: mark it used and return its person, created when new."""
    with transaction.atomic():
        check = check_link(token, lock=True)
        if not check.ok:
            return Result(None, check.link, check.problem)
        link = check.link
        link.used_at = timezone.now()
        link.save(update_fields=["used_at"])
        staff = Staff.objects.for_mailbox(link.email)
        if staff is None:
            try:
                with transaction.atomic():
                    staff = Staff.objects.create_user(link.email, language=link.language)
            except IntegrityError:
                # The same new person signed in through another link at the same moment.
                staff = Staff.objects.get(email__iexact=link.email)
    return Result(staff, link, None)


# --- where a sign-in leads, and why the sign-in page is asked for ----------------------------

_landing_pages: list[Callable[[Staff], str | None]] = []
_reasons: dict[str, object] = {}


def provide_landing_page(page: Callable[[Staff], str | None]) -> None:
    """An app above names the page a person lands on after signing in (or None)."""
    _landing_pages.append(page)


def landing_page(person: Staff) -> str:
    """Where a sign-in with no page of its own to return to leads: the first page an app names
    for this person (a visitor's exchanges), else the home page."""
    for page in _landing_pages:
        url = page(person)
        if url:
            return url
    return reverse("home")


def provide_reason(view_name: str, words) -> None:
    """An app above says, in words, why its page needs a sign-in ("To give feedback …")."""
    _reasons[view_name] = words


def reason_for(next_url: str) -> str:
    """Why the sign-in page was asked for, from the page to return to; "" when unknown.

    The address is only read for which page it names: nothing in it is looked up.
    """
    if not next_url:
        return ""
    try:
        match = resolve(urlsplit(next_url).path)
    except Resolver404:
        return ""
    words = _reasons.get(match.view_name)
    return str(words) if words else ""
