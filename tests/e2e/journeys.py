"""An exchange played by its people in a real browser, one step at a time.

Each person has a browser context of their own, so nobody shares another's cookies. The
supervisors and the workplace mentor have no account: they only follow the links in their
emails, taken from the outbox as it was written. A step acts through the pages as a person
would and checks what that person sees; the tests check the database and the outbox.

Every step is written the same way: `page_of(person)`, a link from the outbox or a page by
its URL name, and the words on the labels and buttons in the journey's language. A new step
(a reminder followed, a host's feedback) is one more method of that kind.
"""

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from playwright.sync_api import Page, expect

from exchange.models import ExchangeRequest
from exchange.tasks import complete_finished_exchanges
from tests.pages import url as path

from .browsing import latest_email, link_in, new_page, t

HELSINKI = ZoneInfo("Europe/Helsinki")
RECEIPT = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def typed(day: date) -> str:
    """A day as a person types it into Kollega's day fields: 3.2.2027."""
    return f"{day.day}.{day.month}.{day.year}"


@dataclass
class Person:
    name: str
    email: str


@dataclass
class Mentor(Person):
    phone: str = "040 123 4567"
    language: str = "fi"
    meeting_place: str = ""
    meeting_time: str = "9.00"
    programme_notes: str = ""


class Journey:
    """The people of one exchange and the steps they take, in one language."""

    def __init__(self, browser, site_url: str, language: str) -> None:
        self.browser = browser
        self.site_url = site_url
        self.language = language
        self._pages: dict[str, Page] = {}

    # --- Tools -----------------------------------------------------------------------------

    def page_of(self, person: Person) -> Page:
        """The person's own browser window; opened the first time it is needed."""
        if person.email not in self._pages:
            self._pages[person.email] = new_page(self.browser)
        return self._pages[person.email]

    def t(self, message: str) -> str:
        return t(self.language, message)

    def url(self, name: str, *args, **kwargs) -> str:
        return self.site_url + path(name, self.language, *args, **kwargs)

    def follow_email(self, person: Person, kind: str, containing: str = "") -> Page:
        """The person opens the link in their latest email of this kind."""
        page = self.page_of(person)
        page.goto(link_in(latest_email(person.email, kind), containing))
        assert f"/{self.language}/" in page.url
        return page

    def close(self) -> None:
        for page in self._pages.values():
            page.context.close()

    # --- Signing in and finding a library --------------------------------------------------

    def signs_in(self, person: Person) -> Page:
        """Ask for a link on the sign-in page, open it from the email and press Sign in.

        A page that needs signing in has sent the person to the sign-in page already; the
        link then leads back to that page.
        """
        page = self.page_of(person)
        if path("accounts:sign-in", self.language) not in page.url:
            page.goto(self.url("accounts:sign-in"))
        page.get_by_label(self.t("Your work email address")).fill(person.email)
        page.get_by_role("button", name=self.t("Email me a sign-in link")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(self.t("Check your email"))
        page = self.follow_email(person, "sign_in")
        page.get_by_role("main").get_by_role("button", name=self.t("Sign in")).click()
        return page

    def completes_details(
        self, person: Person, *, library: str, supervisor: Person, job_title: str
    ) -> Page:
        """A first-time user tells who they are and who their supervisor is."""
        page = self.page_of(person)
        expect(page.get_by_role("heading", level=1)).to_have_text(self.t("My details"))
        page.get_by_label(self.t("Your name")).fill(person.name)
        page.get_by_label(self.t("Home library")).select_option(label=library)
        page.get_by_label(self.t("Job title")).fill(job_title)
        page.get_by_label(self.t("Your supervisor's name")).fill(supervisor.name)
        page.get_by_label(self.t("Your supervisor's email address")).fill(supervisor.email)
        page.get_by_role("button", name=self.t("Save")).click()
        expect(page.get_by_role("status").first).to_contain_text(
            self.t("Your details have been saved.")
        )
        return page

    def finds_library(self, person: Person, *, filters: dict[str, str], library: str) -> Page:
        """Filter the directory by the labels of the choices and open the one library left."""
        page = self.page_of(person)
        page.goto(self.url("libraries:directory"))
        for label, choice in filters.items():
            page.get_by_label(self.t(label), exact=True).select_option(label=choice)
        page.get_by_role("button", name=self.t("Show libraries")).click()
        expect(page.locator(".library-list > li")).to_have_count(1)
        page.get_by_role("link", name=library, exact=True).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(library)
        return page

    # --- The request -------------------------------------------------------------------------

    def requests_visit(
        self,
        person: Person,
        *,
        first_day: date,
        last_day: date,
        expectations: str,
        cover: str,
        focus_area: str,
        supervisor: Person,
    ) -> ExchangeRequest:
        """From the library's page: apply, fill in the form and submit it."""
        page = self.page_of(person)
        page.get_by_role("link", name=self.t("Apply for a visit")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(self.t("New exchange request"))
        page.get_by_label(self.label("first day")).fill(typed(first_day))
        page.get_by_label(self.label("last day")).fill(typed(last_day))
        page.get_by_label(self.t("one-way"), exact=True).check()
        page.get_by_label(self.t("business trip"), exact=True).check()
        page.get_by_label(
            self.label("What do you expect from the visit, and what would you like to do?")
        ).fill(expectations)
        page.get_by_label(focus_area, exact=True).check()
        page.get_by_label(self.t("I want to practise the other national language")).check()
        page.get_by_label(self.label("Who covers your work meanwhile?")).fill(cover)
        page.get_by_label(self.label("own car, kilometres")).fill("180")
        page.get_by_label(self.label("accommodation, nights")).fill("1")
        page.get_by_label(self.label("accommodation, euros")).fill("95")
        page.get_by_label(
            self.t(
                "I have read the privacy notice and accept that my details are processed "
                "for this exchange."
            )
        ).check()
        page.get_by_role("button", name=self.t("Submit"), exact=True).click()
        expect(page.get_by_role("status").first).to_have_text(
            self.t("Your request has been sent to your supervisor %(name)s.")
            % {"name": supervisor.name}
        )
        return ExchangeRequest.objects.filter(visitor__email=person.email).latest("pk")

    def label(self, verbose_name: str) -> str:
        """A form label made from a model field's name, as Django capitalises it."""
        text = self.t(verbose_name)
        return text[:1].upper() + text[1:]

    # --- The supervisors' links --------------------------------------------------------------

    def decided(self, page: Page, action: str, visitor: Person) -> Page:
        """The page after an answer says what this person did, to whom, and what comes next."""
        expect(page.get_by_role("heading", level=1)).to_have_text(
            self.t(action) % {"visitor": visitor.name}
        )
        expect(
            page.get_by_role("heading", level=2, name=self.t("What happens next"))
        ).to_be_visible()
        return page

    def home_supervisor_approves(
        self, supervisor: Person, visitor: Person, comment: str = ""
    ) -> Page:
        page = self.follow_email(supervisor, "decision_request")
        page.get_by_label(self.t("Approve the request")).check()
        if comment:
            page.get_by_label(self.t("Comment for the visitor (optional)")).fill(comment)
        page.get_by_role("button", name=self.t("Send the answer")).click()
        return self.decided(page, "You approved the exchange request of %(visitor)s", visitor)

    def declines(self, supervisor: Person, visitor: Person, reason: str) -> Page:
        page = self.follow_email(supervisor, "decision_request")
        page.get_by_label(self.t("Decline the request")).check()
        page.get_by_label(self.t("Reason for declining")).fill(reason)
        page.get_by_role("button", name=self.t("Send the answer")).click()
        return self.decided(page, "You declined the exchange request of %(visitor)s", visitor)

    def host_decides(
        self,
        host: Person,
        visitor: Person,
        mentor: Mentor | None,
        *,
        proposed: tuple[date, date] | None = None,
        comment: str = "",
    ) -> Page:
        """The host welcomes the visitor on the dates asked for, or proposes others; names
        the mentor now, or (mentor None) leaves them for later."""
        page = self.follow_email(host, "decision_request")
        if proposed:
            page.get_by_label(self.t("Propose other dates")).check()
            page.get_by_label(self.t("Proposed first day")).fill(typed(proposed[0]))
            page.get_by_label(self.t("Proposed last day")).fill(typed(proposed[1]))
        else:
            page.get_by_label(self.t("The visitor is welcome on the dates asked for")).check()
        if mentor is not None:
            self.fills_in_mentor(page, mentor)
        if comment:
            page.get_by_label(self.t("Comment for the visitor (optional)")).fill(comment)
        page.get_by_role("button", name=self.t("Send the answer")).click()
        if proposed:
            return self.decided(page, "You proposed other dates to %(visitor)s", visitor)
        return self.decided(page, "You approved the exchange request of %(visitor)s", visitor)

    def fills_in_mentor(self, page: Page, mentor: Mentor) -> None:
        page.get_by_label(self.t("Workplace mentor's name")).fill(mentor.name)
        page.get_by_label(self.t("Workplace mentor's email")).fill(mentor.email)
        page.get_by_label(self.t("Workplace mentor's phone")).fill(mentor.phone)
        page.get_by_label(self.t("Workplace mentor's language")).select_option(mentor.language)
        page.get_by_label(self.t("Where to meet on the first day")).fill(mentor.meeting_place)
        page.get_by_label(self.t("When to meet on the first day")).fill(mentor.meeting_time)
        page.get_by_label(self.t("Programme notes")).fill(mentor.programme_notes)

    def host_names_mentor(self, host: Person, mentor: Mentor) -> Page:
        """From the email after approving: the host names the mentor, which confirms the visit."""
        page = self.follow_email(host, "awaiting_mentor")
        expect(page.get_by_role("heading", level=1)).to_have_text(
            self.t("Name the workplace mentor")
        )
        self.fills_in_mentor(page, mentor)
        page.get_by_role("button", name=self.t("Name the mentor and confirm the visit")).click()
        expect(page.get_by_role("status").first).to_contain_text(
            self.t(
                "You named %(mentor)s as the workplace mentor. The visit is confirmed: the "
                "visitor and the mentor have been sent the details and a calendar invitation."
            )
            % {"mentor": mentor.name}
        )
        return page

    # --- The visitor's own pages -----------------------------------------------------------

    def visitor_accepts_dates(self, person: Person) -> Page:
        """The visitor opens the email about the proposed dates and accepts them."""
        page = self.follow_email(person, "dates_proposed")
        expect(
            page.get_by_role(
                "heading", level=2, name=self.t("The host library proposes other dates")
            )
        ).to_be_visible()
        page.get_by_role("button", name=self.t("Accept the dates")).click()
        expect(page.get_by_role("status").first).to_have_text(
            self.t("You accepted the dates. Your visit is confirmed.")
        )
        return page

    def visitor_cancels(self, person: Person, reason: str) -> Page:
        page = self.page_of(person)
        page.goto(self.url("exchange:my-exchanges"))
        # The exchange's card names the host library; its name leads to the exchange.
        page.get_by_role("main").get_by_role("heading", level=2).get_by_role("link").first.click()
        page.get_by_label(self.t("Reason"), exact=True).fill(reason)
        page.get_by_role("button", name=self.t("Cancel the exchange")).click()
        expect(page.get_by_role("status").first).to_have_text(
            self.t("The request has been cancelled.")
        )
        return page

    def mentor_opens_visit(self, mentor: Mentor) -> Page:
        page = self.follow_email(mentor, "confirmed")
        expect(page.get_by_role("heading", level=1)).to_be_visible()
        return page

    # --- After the visit -----------------------------------------------------------------

    def visit_passes(self, exchange: ExchangeRequest, clock) -> ExchangeRequest:
        """Two days after the last day, the hourly beat job completes the visit."""
        after = datetime.combine(exchange.last_day + timedelta(days=2), time(10), tzinfo=HELSINKI)
        clock.move_to(after, tick=True)
        complete_finished_exchanges()
        exchange.refresh_from_db()
        return exchange

    def visitor_gives_feedback(self, person: Person, exchange: ExchangeRequest, story: str) -> Page:
        """From the email after the visit: a rating, a few words and a story to publish."""
        feedback_path = path("feedback:feedback-form", self.language, exchange.pk)
        page = self.follow_email(person, "feedback_request", containing=feedback_path)
        # Weeks have passed since the request, and the session with them: sign in again.
        expect(page.get_by_role("heading", level=1)).to_have_text(self.t("Sign in"))
        self.signs_in(person)
        assert page.url.endswith(feedback_path), page.url
        page.get_by_role("radio", name=self.t("5 – excellent")).check()
        page.get_by_label(self.t("What did you learn?")).fill(story)
        page.get_by_label(self.t("What will you take home to your own library?")).fill(story)
        page.get_by_role(
            "group", name=self.t("Would you recommend this library to a colleague?")
        ).get_by_role("radio", name=self.t("Yes")).check()
        page.get_by_role("radio", name=self.t("Publish with my name and library")).check()
        page.get_by_label(self.t("Your story")).fill(story)
        page.get_by_role("button", name=self.t("Send the feedback")).click()
        expect(page.get_by_role("status").first).to_have_text(
            self.t("Thank you for your feedback! The visit is now closed.")
        )
        return page

    def visitor_claims_costs(self, person: Person, exchange: ExchangeRequest) -> Page:
        """The expense claim, prefilled from the estimate, with a receipt."""
        page = self.page_of(person)
        page.goto(self.url("feedback:claim-form", exchange.pk))
        page.get_by_label(self.t("Own car, kilometres (there and back)")).fill("190")
        page.get_by_label(self.t("Receipts"), exact=True).set_input_files(
            files=[{"name": "kuitti.pdf", "mimeType": "application/pdf", "buffer": RECEIPT}]
        )
        page.get_by_role("button", name=self.t("Continue")).click()
        expect(page.get_by_role("heading", level=1)).to_have_text(
            self.t("Check your expense claim")
        )
        page.get_by_role("button", name=self.t("Send the expense claim")).click()
        expect(page.get_by_role("status").first).to_contain_text(
            self.t(
                "Your expense claim has been sent. The coordinator reviews it, "
                "and you get an email."
            )
        )
        return page

    def coordinator_signs_in_to_admin(self, coordinator: Person, password: str) -> Page:
        page = self.page_of(coordinator)
        page.goto(self.url("admin:login"))
        page.locator("#id_username").fill(coordinator.email)
        page.locator("#id_password").fill(password)
        page.locator("#login-form [type=submit]").click()
        expect(page.locator("#site-name")).to_be_visible()
        return page

    def coordinator_acts_on(self, coordinator: Person, changelist: str, row: str, action: str):
        """Tick the row in an admin list and run an action on it."""
        page = self.page_of(coordinator)
        page.goto(self.url(f"admin:{changelist}"))
        page.get_by_role("row", name=row).get_by_role("checkbox").check()
        page.get_by_role("combobox", name=self.t("Action:")).select_option(label=self.t(action))
        page.get_by_role("button", name=self.t("Go")).click()
        expect(page.locator(".messagelist")).to_be_visible()
        return page

    def reader_finds_the_story(self, story: str) -> Page:
        page = new_page(self.browser)
        self._pages["reader"] = page
        page.goto(self.url("feedback:experiences"))
        expect(page.get_by_role("main")).to_contain_text(story)
        return page
