"""Every kind of page Kollega has, with something on it: the pages the accessibility,
keyboard and narrow-screen tests walk through in both languages.

The exchanges are made with the workflow directly (the journeys test the clicking); each
page type says who looks at it and, for a form with its errors shown, how to get there.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.test import Client
from django.urls import translate_url
from django.utils import timezone

from exchange import links, workflow
from exchange.models import Approval, ExchangeRequest, State
from feedback.models import StoryConsent, VisitorFeedback
from libraries import signin
from libraries.models import AccessibilityFeedback, Library, Staff
from tests.exchange.support import weekday_ahead
from tests.factories import ExchangeRequestFactory
from tests.pages import url as path

from .browsing import latest_email, link_in, t

ANONYMOUS, VISITOR, COORDINATOR = "anonymous", "visitor", "coordinator"


@dataclass
class PageType:
    name: str
    url: str
    who: str = ANONYMOUS
    # What to do on the page first, e.g. send the form empty to see its errors.
    then: Callable | None = None


@dataclass
class Scene:
    visitor: Staff
    coordinator: Staff
    exchanges: dict[str, ExchangeRequest]
    tokens: dict[str, str]
    sign_in_link: str
    cookies: dict[str, str] = field(default_factory=dict)


def _mentor(library: Library) -> workflow.MentorDetails:
    return workflow.MentorDetails(
        name="Maija Mentori",
        email=f"maija.mentori@{library.domain_list[0]}",
        phone="040 123 4567",
        language="fi",
        meeting_place="Henkilökunnan sisäänkäynti",
        meeting_time="9.00",
        programme_notes="Asiakaspalvelua ja tapahtumien suunnittelua.",
    )


def _exchange(visitor: Staff, slug: str, days_ahead: int, **fields) -> ExchangeRequest:
    first_day = weekday_ahead(days_ahead)
    return ExchangeRequestFactory(
        visitor=visitor,
        host_library=Library.objects.get(slug=slug),
        first_day=first_day,
        last_day=first_day + timedelta(days=1),
        **fields,
    )


def _approval(exchange: ExchangeRequest, role: str) -> Approval:
    return exchange.approvals.filter(role=role).latest("pk")


def _past_visit(visitor: Staff, slug: str, days_ago: int, state: str) -> ExchangeRequest:
    """A visit that took place (made directly: the workflow takes no dates in the past)."""
    library = Library.objects.get(slug=slug)
    first_day = timezone.localdate() - timedelta(days=days_ago)
    mentor = _mentor(library)
    return ExchangeRequestFactory(
        visitor=visitor,
        host_library=library,
        first_day=first_day,
        last_day=first_day + timedelta(days=1),
        state=state,
        privacy_accepted_at=timezone.now(),
        mentor_name=mentor.name,
        mentor_email=mentor.email,
        mentor_phone=mentor.phone,
        mentor_language=mentor.language,
    )


def _submitted(visitor: Staff, slug: str, days_ahead: int, **fields) -> ExchangeRequest:
    exchange = _exchange(visitor, slug, days_ahead, **fields)
    return workflow.submit(exchange.pk, by=visitor)


def _approved_at_home(visitor: Staff, slug: str, days_ahead: int, **fields) -> ExchangeRequest:
    exchange = _submitted(visitor, slug, days_ahead, **fields)
    approval = _approval(exchange, "home")
    return workflow.approve_home(approval.pk, version=approval.version, comment="Hyvä idea!")


def build() -> Scene:
    """Liisa's exchanges in every state a page shows differently; the coordinator; the links."""
    visitor = Staff.objects.get(email="demo.liisa.lukija@seinajoki.fi")
    coordinator = Staff.objects.create_superuser(
        "demo.kerttu.koordinaattori@vaasa.fi", None, name="Kerttu Koordinaattori"
    )

    proposed = _approved_at_home(visitor, "vaasan-paakirjasto", 21, language_practice=True)
    host = _approval(proposed, "host")
    first_day = proposed.first_day + timedelta(days=7)
    workflow.propose_dates(
        host.pk,
        version=host.version,
        first_day=first_day,
        last_day=first_day + timedelta(days=1),
        mentor=_mentor(proposed.host_library),
        return_visit=None,
        comment="Viikkoa myöhemmin sopii paremmin.",
    )

    confirmed = _approved_at_home(visitor, "kokkolan-kaupunginkirjasto", 42)
    host = _approval(confirmed, "host")
    workflow.approve_host(
        host.pk,
        version=host.version,
        mentor=_mentor(confirmed.host_library),
        return_visit=None,
        comment="Tervetuloa!",
    )
    confirmed.refresh_from_db()

    # Approved by the host, who names the workplace mentor later.
    awaiting_mentor = _approved_at_home(visitor, "vaasan-paakirjasto", 112)
    host = _approval(awaiting_mentor, "host")
    workflow.approve_host(
        host.pk, version=host.version, mentor=workflow.mentor_later("fi"), comment="Tervetuloa!"
    )

    awaiting_home = _submitted(visitor, "narpion-paakirjasto", 56)
    awaiting_host = _approved_at_home(
        visitor, "pietarsaaren-kirjasto", 70, kind=ExchangeRequest.Kind.RECIPROCAL
    )
    declined = _submitted(visitor, "kannuksen-kirjasto", 84)
    home = _approval(declined, "home")
    workflow.decline(home.pk, version=home.version, reason="Syksyllä on liian kiireistä.")
    draft = _exchange(visitor, "sundomin-omatoimikirjasto", 98)
    # Visits that are over: one waiting for feedback, one closed with a published story.
    completed = _past_visit(visitor, "kokkolan-kaupunginkirjasto", 20, State.COMPLETED)
    closed = _past_visit(visitor, "vaasan-paakirjasto", 60, State.CLOSED)
    VisitorFeedback.objects.create(
        exchange=closed,
        rating=5,
        learned="Kaksikielistä asiakaspalvelua.",
        take_home="Aamupalaverit.",
        would_recommend=True,
        story_consent=StoryConsent.NAMED,
        story="Kaksi päivää Vaasassa opetti, miten asiakasta palvellaan kahdella kielellä.",
        story_language="fi",
        published_at=timezone.now(),
    )
    AccessibilityFeedback.objects.create(
        message="Kalenteri ei toimi ruudunlukijalla.",
        created_at=timezone.now() - timedelta(days=20),
    )

    signin.request_link(visitor.email, page_language="fi")
    return Scene(
        visitor=visitor,
        coordinator=coordinator,
        exchanges={
            "proposed": proposed,
            "confirmed": confirmed,
            "awaiting_home": awaiting_home,
            "awaiting_host": awaiting_host,
            "declined": declined,
            "draft": draft,
            "completed": completed,
        },
        tokens={
            "home": links.approval_token(_approval(awaiting_home, "home")),
            "host": links.approval_token(_approval(awaiting_host, "host")),
            "decided": links.approval_token(_approval(declined, "home")),
            "mentor": links.mentor_token(confirmed),
            "host-decided": links.approval_token(_approval(awaiting_mentor, "host")),
            "name-mentor": links.arrangements_token(_approval(awaiting_mentor, "host")),
            "arrangements": links.arrangements_token(_approval(confirmed, "host")),
            "host-feedback": links.mentor_token(completed),
        },
        sign_in_link=link_in(latest_email(visitor.email, "sign_in")).removeprefix(
            settings.SITE_URL
        ),
    )


def session_cookie(user: Staff) -> str:
    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    return client.cookies[settings.SESSION_COOKIE_NAME].value


def _submit(button: str):
    def press(page, language: str) -> None:
        page.get_by_role("button", name=t(language, button), exact=True).click()
        page.wait_for_load_state()

    return press


def _clear_and_submit(field_label: str, button: str):
    def press(page, language: str) -> None:
        page.get_by_label(t(language, field_label)).fill("")
        _submit(button)(page, language)

    return press


PUBLIC, VISITORS, LINKS, ADMIN = "public", "visitor", "links", "admin"


def page_types(scene: Scene, language: str) -> dict[str, list[PageType]]:
    """Every page type in one language, by who uses them."""
    exchanges, tokens = scene.exchanges, scene.tokens
    completed = exchanges["completed"]

    def url(name: str, *args, **kwargs) -> str:
        return path(name, language, *args, **kwargs)

    def detail(state: str) -> str:
        return url("exchange:request-detail", exchanges[state].pk)

    def link(name: str, token: str) -> str:
        return url(f"exchange:{name}", token=token)

    def admin(name: str, *args) -> str:
        return url(f"admin:{name}", *args)

    vaasa = Library.objects.get(slug_fi="vaasan-paakirjasto")
    return {
        PUBLIC: [
            PageType("home", url("home")),
            PageType("directory", url("libraries:directory") + "?language=bilingual"),
            PageType("directory-errors", url("libraries:directory") + "?region=nowhere"),
            PageType(
                "library", url("libraries:library-detail", getattr(vaasa, f"slug_{language}"))
            ),
            PageType("sign-in", url("accounts:sign-in")),
            PageType(
                "sign-in-errors", url("accounts:sign-in"), then=_submit("Email me a sign-in link")
            ),
            PageType("sign-in-sent", url("accounts:sign-in-sent")),
            PageType("sign-in-link", translate_url(scene.sign_in_link, language)),
            PageType("sign-in-link-invalid", url("accounts:sign-in-link", "forged-token")),
            PageType("accessibility", url("libraries:accessibility")),
            PageType(
                "accessibility-errors",
                url("libraries:accessibility"),
                then=_submit("Send feedback"),
            ),
            PageType("privacy", url("libraries:privacy")),
            PageType("experiences", url("feedback:experiences")),
            PageType("not-found", f"/{language}/no-such-page/"),
        ],
        VISITORS: [
            PageType(
                "profile-errors",
                url("accounts:profile"),
                VISITOR,
                then=_clear_and_submit("Your supervisor's email address", "Save"),
            ),
            PageType("my-exchanges", url("exchange:my-exchanges"), VISITOR),
            PageType("suggestions", url("exchange:suggestions"), VISITOR),
            PageType(
                "request-form", url("exchange:request-create") + f"?host={vaasa.slug}", VISITOR
            ),
            PageType(
                "request-form-errors",
                url("exchange:request-create"),
                VISITOR,
                then=_submit("Submit"),
            ),
            PageType("detail-proposed", detail("proposed"), VISITOR),
            PageType("detail-confirmed", detail("confirmed"), VISITOR),
            PageType("detail-draft", detail("draft"), VISITOR),
            PageType("cancel", url("exchange:request-cancel", exchanges["confirmed"].pk), VISITOR),
            PageType(
                "cancel-errors",
                url("exchange:request-cancel", exchanges["confirmed"].pk),
                VISITOR,
                then=_submit("Cancel the exchange"),
            ),
            PageType("feedback-form", url("feedback:feedback-form", completed.pk), VISITOR),
            PageType(
                "feedback-form-errors",
                url("feedback:feedback-form", completed.pk),
                VISITOR,
                then=_submit("Send the feedback"),
            ),
            PageType("claim-form", url("feedback:claim-form", completed.pk), VISITOR),
        ],
        LINKS: [
            PageType("home-supervisor", link("approval-link", tokens["home"])),
            PageType(
                "home-supervisor-errors",
                link("approval-link", tokens["home"]),
                then=_submit("Send the answer"),
            ),
            PageType("host-supervisor", link("approval-link", tokens["host"])),
            PageType(
                "host-supervisor-errors",
                link("approval-link", tokens["host"]),
                then=_submit("Send the answer"),
            ),
            PageType("link-decided", link("approval-link", tokens["decided"])),
            PageType("link-decided-host", link("approval-link", tokens["host-decided"])),
            PageType("host-name-mentor", link("arrangements-link", tokens["name-mentor"])),
            PageType(
                "host-name-mentor-errors",
                link("arrangements-link", tokens["name-mentor"]),
                then=_submit("Name the mentor and confirm the visit"),
            ),
            PageType("host-arrangements", link("arrangements-link", tokens["arrangements"])),
            PageType("link-invalid", link("approval-link", "forged")),
            PageType("mentor", link("mentor-link", tokens["mentor"])),
            PageType("host-feedback", url("feedback:host-feedback", token=tokens["host-feedback"])),
            PageType(
                "host-feedback-errors",
                url("feedback:host-feedback", token=tokens["host-feedback"]),
                then=_submit("Send the feedback"),
            ),
        ],
        ADMIN: [
            PageType("admin-login", admin("login")),
            PageType("admin-index", admin("index"), COORDINATOR),
            PageType("admin-exchanges", admin("exchange_exchangerequest_changelist"), COORDINATOR),
            PageType(
                "admin-exchange",
                admin("exchange_exchangerequest_change", exchanges["confirmed"].pk),
                COORDINATOR,
            ),
            PageType("admin-library", admin("libraries_library_change", vaasa.pk), COORDINATOR),
            PageType("admin-feedback", admin("feedback_visitorfeedback_changelist"), COORDINATOR),
            PageType("admin-claims", admin("feedback_expenseclaim_changelist"), COORDINATOR),
            PageType(
                "admin-accessibility-feedback",
                admin("libraries_accessibilityfeedback_changelist"),
                COORDINATOR,
            ),
            PageType(
                "admin-personal-data",
                admin("privacy_personaldata_changelist") + f"?email={scene.visitor.email}",
                COORDINATOR,
            ),
        ],
    }


def open_page(page, site_url: str, scene: Scene, page_type: PageType, language: str):
    """Open the page type as its user: signed in when it needs it, its action done."""
    user = {VISITOR: scene.visitor, COORDINATOR: scene.coordinator}.get(page_type.who)
    if user is not None and page_type.who not in scene.cookies:
        scene.cookies[page_type.who] = session_cookie(user)
    page.context.clear_cookies()
    if user is not None:
        page.context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": scene.cookies[page_type.who],
                    "url": site_url,
                }
            ]
        )
    response = page.goto(site_url + page_type.url)
    assert response is not None and response.status < 500, page_type.url
    if page_type.then is not None:
        page_type.then(page, language)
    return page
