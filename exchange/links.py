"""Signed links for people without an account: supervisors' decisions, the host's page for
the workplace mentor and the first day's arrangements, and the mentor's page.

A decision token carries the approval's id and the version of its link; a mentor token
carries the exchange's id and a digest of the mentor's address (never the address itself,
which anyone holding the link could read), so naming another mentor retires the old link.
Each purpose has its own salt, so one kind of token never opens another page.
"""

from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.crypto import constant_time_compare, salted_hmac

from mail.outbox import absolute_url

from .models import Approval, ExchangeRequest

APPROVAL_SALT = "exchange.approval-link"
MENTOR_SALT = "exchange.mentor-link"
# The host's link after approving: name the mentor, complete the first day's arrangements.
ARRANGEMENTS_SALT = "exchange.arrangements-link"


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


@dataclass(frozen=True)
class ApprovalToken:
    approval_id: int
    version: int


@dataclass(frozen=True)
class MentorToken:
    exchange_id: int
    mentor_digest: str

    def is_for(self, mentor_email: str) -> bool:
        """Whether the token was made for this mentor's address."""
        return bool(mentor_email) and constant_time_compare(
            self.mentor_digest, _mentor_digest(mentor_email)
        )


def _mentor_digest(email: str) -> str:
    """The mentor's address as the token keeps it: keyed, so it can't be guessed back."""
    return salted_hmac(MENTOR_SALT, email.strip().lower(), algorithm="sha256").hexdigest()[:32]


def _max_age() -> timedelta:
    return timedelta(days=settings.DECISION_LINK_MAX_AGE_DAYS)


def approval_token(approval: Approval) -> str:
    return signing.dumps({"a": approval.pk, "v": approval.version}, salt=APPROVAL_SALT)


def read_approval_token(token: str) -> ApprovalToken:
    """The approval a token was made for; raises LinkExpired or LinkInvalid."""
    return _read_answer_token(token, APPROVAL_SALT, max_age=_max_age())


def arrangements_token(approval: Approval) -> str:
    return signing.dumps({"a": approval.pk, "v": approval.version}, salt=ARRANGEMENTS_SALT)


def read_arrangements_token(token: str) -> ApprovalToken:
    """The host's answer an arrangements token was made for; raises LinkInvalid.

    It works until the visit begins, whenever that is, so no age is checked here.
    """
    return _read_answer_token(token, ARRANGEMENTS_SALT, max_age=None)


def _read_answer_token(token: str, salt: str, *, max_age: timedelta | None) -> ApprovalToken:
    """The approval and version a token of this salt carries; raises LinkExpired (only with
    a max_age) or LinkInvalid."""
    try:
        data = signing.loads(token, salt=salt, max_age=max_age)
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
    try:
        return ApprovalToken(approval_id=int(data["a"]), version=int(data["v"]))
    except (KeyError, TypeError, ValueError):
        raise LinkInvalid from None


def mentor_token(exchange: ExchangeRequest) -> str:
    return signing.dumps(
        {"e": exchange.pk, "d": _mentor_digest(exchange.mentor_email)}, salt=MENTOR_SALT
    )


def read_mentor_token(token: str) -> MentorToken:
    """The exchange a mentor token was made for; raises LinkInvalid.

    The mentor's link lasts until some time after the visit, not from when it was sent, so
    its expiry is checked against the visit's dates (mentor_link_expired).
    """
    try:
        data = signing.loads(token, salt=MENTOR_SALT)
    except signing.BadSignature:
        raise LinkInvalid from None
    try:
        # A link from before the digest (it carried the address) reads as replaced.
        return MentorToken(exchange_id=int(data["e"]), mentor_digest=str(data.get("d", "")))
    except (KeyError, TypeError, ValueError):
        raise LinkInvalid from None


def mentor_link_expired(exchange: ExchangeRequest) -> bool:
    if exchange.last_day is None:
        return False
    return timezone.localdate() > exchange.last_day + _max_age()


def _localized(name: str, token: str, language: str) -> str:
    with translation.override(language):
        return absolute_url(reverse(name, kwargs={"token": token}))


def approval_url(approval: Approval) -> str:
    """The decision link for an approval: absolute, in the approver's language."""
    return _localized("exchange:approval-link", approval_token(approval), approval.language)


def arrangements_url(approval: Approval) -> str:
    """The host's page for the mentor and the first day's arrangements, in their language."""
    return _localized("exchange:arrangements-link", arrangements_token(approval), approval.language)


def mentor_url(exchange: ExchangeRequest) -> str:
    """The workplace mentor's page for an exchange: absolute, in the mentor's language."""
    language = exchange.mentor_language or exchange.host_library.main_language
    return _localized("exchange:mentor-link", mentor_token(exchange), language)


def exchange_url(exchange: ExchangeRequest, language: str) -> str:
    """The visitor's own page for an exchange: absolute, in the given language."""
    with translation.override(language):
        return absolute_url(exchange.get_absolute_url())


def admin_url(exchange: ExchangeRequest) -> str:
    """The exchange in the coordinator's admin."""
    return absolute_url(reverse("admin:exchange_exchangerequest_change", args=[exchange.pk]))


def after_visit_urls(exchange: ExchangeRequest, language: str) -> dict[str, str]:
    """Where the visitor gives feedback and makes the expense claim: the feedback app's
    forms, or the exchange page where those are not available."""
    urls = {}
    forms = [("feedback_url", "feedback:feedback-form"), ("claim_url", "feedback:claim-form")]
    with translation.override(language):
        for key, name in forms:
            try:
                urls[key] = absolute_url(reverse(name, args=[exchange.pk]))
            except NoReverseMatch:
                urls[key] = absolute_url(exchange.get_absolute_url())
    return urls
