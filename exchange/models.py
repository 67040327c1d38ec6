from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.contenttypes.fields import GenericRelation
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from libraries.models import FocusArea, Language, Library
from web.prepared import Prepared

MAX_VISIT_DAYS = 5


class State(models.TextChoices):
    DRAFT = "draft", _("draft")
    AWAITING_HOME = "awaiting_home", _("awaiting own supervisor")
    AWAITING_HOST = "awaiting_host", _("awaiting host library")
    DATES_PROPOSED = "dates_proposed", _("other dates proposed")
    # The host has approved and names the workplace mentor later; confirmed once named.
    AWAITING_MENTOR = "awaiting_mentor", _("awaiting workplace mentor")
    CONFIRMED = "confirmed", _("confirmed")
    COMPLETED = "completed", _("completed")
    CLOSED = "closed", _("closed")
    DECLINED = "declined", _("declined")
    CANCELLED = "cancelled", _("cancelled")


OPEN_STATES = [
    State.DRAFT,
    State.AWAITING_HOME,
    State.AWAITING_HOST,
    State.DATES_PROPOSED,
    State.AWAITING_MENTOR,
    State.CONFIRMED,
]
# States in which the visitor or the coordinator may still cancel.
CANCELLABLE_STATES = OPEN_STATES
# Submitted and not over: the visitor's days are taken. A draft holds none, so a visitor
# may sketch two alternatives for the same days.
DAY_HOLDING_STATES = [state for state in OPEN_STATES if state != State.DRAFT]
# The visit has taken place: completed, or closed by the visitor's feedback.
TAKEN_PLACE_STATES = [State.COMPLETED, State.CLOSED]


# What the host names when answering, or later: the workplace mentor, and the first day's
# practicalities (which the host may complete or change until the visit).
MENTOR_FIELDS = [
    "mentor_name",
    "mentor_email",
    "mentor_phone",
    "mentor_language",
]
ARRANGEMENT_FIELDS = ["meeting_place", "meeting_time", "programme_notes"]


@dataclass
class ReturnVisit:
    """Who comes back in a reciprocal exchange, and when (named by the host)."""

    name: str
    email: str
    language: str
    first_day: date
    last_day: date


class ExchangeQuerySet(models.QuerySet):
    def for_visitor(self, person) -> "ExchangeQuerySet":
        return self.filter(visitor=person)

    def overlapping(self, first_day, last_day) -> "ExchangeQuerySet":
        return self.filter(first_day__lte=last_day, last_day__gte=first_day)

    def holding_days(self, first_day, last_day) -> "ExchangeQuerySet":
        """Requests that take any of these days from their visitor."""
        return self.filter(state__in=DAY_HOLDING_STATES).overlapping(first_day, last_day)

    # What needs the coordinator's eye (the admin's desk and the list filter behind it).

    def waiting_for_supervisor(self) -> "ExchangeQuerySet":
        return self.filter(state__in=[State.AWAITING_HOME, State.AWAITING_HOST])

    def supervisor_late(self, now) -> "ExchangeQuerySet":
        """Waiting for a supervisor who has been reminded, or whose reminder is due: past the
        reminder time, and not yet stalled."""
        late = Approval.objects.filter(
            exchange=models.OuterRef("pk"),
            decision=Approval.Decision.PENDING,
            next_reminder_at__isnull=False,
        ).filter(models.Q(reminders_sent__gt=0) | models.Q(next_reminder_at__lte=now))
        return self.waiting_for_supervisor().filter(models.Exists(late))

    def stalled(self) -> "ExchangeQuerySet":
        """Waiting for a supervisor who did not answer the last reminder either."""
        stalled = Approval.objects.filter(
            exchange=models.OuterRef("pk"),
            decision=Approval.Decision.PENDING,
            next_reminder_at__isnull=True,
        )
        return self.waiting_for_supervisor().filter(models.Exists(stalled))

    def visits_starting(self, first_day, last_day) -> "ExchangeQuerySet":
        """Visits going ahead (the mentor named or still to be) whose first day falls between
        these days."""
        return self.filter(
            state__in=[State.AWAITING_MENTOR, State.CONFIRMED],
            first_day__range=(first_day, last_day),
        )

    def mentor_to_name(self) -> "ExchangeQuerySet":
        """Visits the host has approved without naming the workplace mentor yet."""
        return self.filter(state=State.AWAITING_MENTOR)

    def with_related(self) -> "ExchangeQuerySet":
        return self.select_related(
            "visitor",
            "home_library__municipality__region",
            "host_library__municipality__region",
        )


class ExchangeRequest(models.Model):
    """One visit of one librarian to one host library."""

    class Kind(models.TextChoices):
        ONE_WAY = "one_way", _("one-way")
        RECIPROCAL = "reciprocal", _("reciprocal")

    class TripType(models.TextChoices):
        BUSINESS_TRIP = "business_trip", _("business trip")
        TRAINING_DAY = "training_day", _("training day")

    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="exchanges",
        verbose_name=_("visitor"),
    )
    home_library = models.ForeignKey(
        Library, models.PROTECT, related_name="sent_exchanges", verbose_name=_("home library")
    )
    host_library = models.ForeignKey(
        Library, models.PROTECT, related_name="hosted_exchanges", verbose_name=_("host library")
    )
    state = models.CharField(
        _("state"), max_length=20, choices=State.choices, default=State.DRAFT, db_index=True
    )
    # Bumped by every change the workflow makes; it keys the emails of each change and is
    # the calendar event's sequence. Decision links carry their approval's own version.
    version = models.PositiveIntegerField(_("version"), default=1)

    first_day = models.DateField(_("first day"), null=True, blank=True)
    last_day = models.DateField(_("last day"), null=True, blank=True)
    alternative_dates = models.CharField(_("alternative dates"), max_length=500, blank=True)
    kind = models.CharField(
        _("one-way or reciprocal"), max_length=12, choices=Kind.choices, default=Kind.ONE_WAY
    )
    trip_type = models.CharField(
        _("recorded by the home employer as"),
        max_length=15,
        choices=TripType.choices,
        default=TripType.BUSINESS_TRIP,
    )
    expectations = models.TextField(_("what I expect and want to do"), max_length=3000, blank=True)
    focus_areas = models.ManyToManyField(
        FocusArea, blank=True, related_name="exchanges", verbose_name=_("focus areas")
    )
    language_practice = models.BooleanField(_("language practice"), default=False)
    cover_arrangements = models.CharField(
        _("who covers my work meanwhile"), max_length=500, blank=True
    )
    # Asked when the home library is small (three people or fewer).
    keeping_open = models.CharField(
        _("how my library stays open meanwhile"), max_length=500, blank=True
    )

    travel_car_km = models.PositiveIntegerField(_("own car, kilometres"), null=True, blank=True)
    travel_public_eur = models.DecimalField(
        _("public transport, euros"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    travel_other_eur = models.DecimalField(
        _("other travel, euros"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    accommodation_nights = models.PositiveSmallIntegerField(
        _("accommodation, nights"), null=True, blank=True
    )
    accommodation_eur = models.DecimalField(
        _("accommodation, euros"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    privacy_accepted_at = models.DateTimeField(_("privacy notice accepted"), null=True, blank=True)

    # Whom the request asks: copied at submission, so later profile edits don't move it.
    home_supervisor_name = models.CharField(_("own supervisor"), max_length=200, blank=True)
    home_supervisor_email = models.EmailField(_("own supervisor's email"), blank=True)
    home_supervisor_language = models.CharField(
        _("own supervisor's language"), max_length=2, choices=Language.choices, blank=True
    )
    host_contact_name = models.CharField(_("host contact"), max_length=200, blank=True)
    host_contact_email = models.EmailField(_("host contact's email"), blank=True)
    host_contact_language = models.CharField(
        _("host contact's language"), max_length=2, choices=Language.choices, blank=True
    )

    # The host's proposal of other dates.
    proposed_first_day = models.DateField(_("proposed first day"), null=True, blank=True)
    proposed_last_day = models.DateField(_("proposed last day"), null=True, blank=True)

    # Named by the host when approving.
    mentor_name = models.CharField(_("workplace mentor"), max_length=200, blank=True)
    mentor_email = models.EmailField(_("workplace mentor's email"), blank=True)
    mentor_phone = models.CharField(_("workplace mentor's phone"), max_length=50, blank=True)
    mentor_language = models.CharField(
        _("workplace mentor's language"), max_length=2, choices=Language.choices, blank=True
    )
    meeting_place = models.CharField(_("where to meet"), max_length=300, blank=True)
    meeting_time = models.CharField(_("when to meet"), max_length=100, blank=True)
    programme_notes = models.TextField(_("programme notes"), max_length=3000, blank=True)

    # Named by the host of a reciprocal exchange: who comes back, and when. The return
    # visit is created from these once this visit is confirmed.
    return_visitor_name = models.CharField(_("return visitor"), max_length=200, blank=True)
    return_visitor_email = models.EmailField(_("return visitor's email"), blank=True)
    return_visitor_language = models.CharField(
        _("return visitor's language"), max_length=2, choices=Language.choices, blank=True
    )
    return_first_day = models.DateField(_("return visit's first day"), null=True, blank=True)
    return_last_day = models.DateField(_("return visit's last day"), null=True, blank=True)

    # A reciprocal exchange is two visits; the return visit points to the first.
    return_of = models.OneToOneField(
        "self",
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="return_visit",
        verbose_name=_("return visit of"),
    )

    created_at = models.DateTimeField(_("created"), default=timezone.now)
    submitted_at = models.DateTimeField(_("submitted"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    # Reminders (exchange/reminders.py). The sweep finds what is due through these fields'
    # partial indexes, so its cost follows the reminders due, not the exchanges kept.
    practicalities_sent_at = models.DateTimeField(_("practicalities sent"), null=True, blank=True)
    feedback_reminder_due_at = models.DateTimeField(
        _("next feedback reminder due"), null=True, blank=True
    )
    feedback_reminders_sent = models.PositiveSmallIntegerField(
        _("feedback reminders sent"), default=0
    )
    # While the host has approved and the workplace mentor is not named yet.
    mentor_reminder_due_at = models.DateTimeField(
        _("next reminder to name the mentor due"), null=True, blank=True
    )
    mentor_reminders_sent = models.PositiveSmallIntegerField(
        _("reminders to name the mentor sent"), default=0
    )

    # The emails written about it (the outbox's rows refer to it).
    notifications = GenericRelation(
        "mail.Notification",
        content_type_field="about_type",
        object_id_field="about_id",
        related_query_name="exchange",
    )

    # When its personal data was removed (privacy/retention.py).
    anonymised_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)

    objects = ExchangeQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("exchange request")
        verbose_name_plural = _("exchange requests")
        indexes = [
            models.Index(fields=["state", "first_day"]),
            models.Index(fields=["state", "last_day"]),
            # Confirmed visits still waiting for the practicalities, by first day.
            models.Index(
                fields=["first_day"],
                condition=Q(state="confirmed", practicalities_sent_at__isnull=True),
                name="exchange_practicalities_due",
            ),
            models.Index(
                fields=["feedback_reminder_due_at"],
                condition=Q(feedback_reminder_due_at__isnull=False),
                name="exchange_feedback_due",
            ),
            models.Index(
                fields=["mentor_reminder_due_at"],
                condition=Q(mentor_reminder_due_at__isnull=False),
                name="exchange_mentor_reminder_due",
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~Q(host_library=F("home_library")),
                name="exchange_host_is_not_home",
            ),
            models.CheckConstraint(
                condition=Q(first_day__isnull=True)
                | Q(last_day__isnull=True)
                | Q(last_day__gte=F("first_day")),
                name="exchange_last_day_not_before_first",
            ),
            models.CheckConstraint(
                condition=Q(proposed_first_day__isnull=True)
                | Q(proposed_last_day__isnull=True)
                | Q(proposed_last_day__gte=F("proposed_first_day")),
                name="exchange_proposed_last_day_not_before_first",
            ),
            # At most five days. PostgreSQL adds an interval to the date; SQLite calls a
            # date function Django registers on its own connections, so on SQLite only
            # Django (not the plain sqlite3 shell) can write these rows.
            models.CheckConstraint(
                condition=Q(first_day__isnull=True)
                | Q(last_day__isnull=True)
                | Q(last_day__lte=F("first_day") + timedelta(days=MAX_VISIT_DAYS - 1)),
                name="exchange_at_most_five_days",
            ),
            # A CHECK passes on NULL, so an estimate left empty is fine.
            models.CheckConstraint(
                condition=Q(travel_public_eur__gte=0)
                & Q(travel_other_eur__gte=0)
                & Q(accommodation_eur__gte=0),
                name="exchange_costs_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.visitor} → {self.host_library}"

    def get_absolute_url(self) -> str:
        return reverse("exchange:request-detail", args=[self.pk])

    @property
    def days(self) -> int:
        if not (self.first_day and self.last_day):
            return 0
        return (self.last_day - self.first_day).days + 1

    @property
    def home_supervisor_label(self) -> str:
        """The home supervisor as pages and emails name them: the name, else the address."""
        return self.home_supervisor_name or self.home_supervisor_email

    @property
    def host_contact_label(self) -> str:
        """The host contact as pages and emails name them: the name, else the address."""
        return self.host_contact_name or self.host_contact_email

    @property
    def is_draft(self) -> bool:
        return self.state == State.DRAFT

    @property
    def is_dates_proposed(self) -> bool:
        return self.state == State.DATES_PROPOSED

    @property
    def is_awaiting_mentor(self) -> bool:
        return self.state == State.AWAITING_MENTOR

    @property
    def has_mentor(self) -> bool:
        return bool(self.mentor_email)

    @property
    def is_confirmed(self) -> bool:
        return self.state == State.CONFIRMED

    @property
    def has_taken_place(self) -> bool:
        return self.state in TAKEN_PLACE_STATES

    @property
    def is_called_off(self) -> bool:
        """Declined or cancelled: the visit will not take place."""
        return self.state in (State.DECLINED, State.CANCELLED)

    @property
    def has_begun(self) -> bool:
        return self.first_day is not None and self.first_day <= timezone.localdate()

    @property
    def can_be_cancelled(self) -> bool:
        """Open, and not a confirmed visit that has begun: what workflow.cancel allows."""
        if self.state not in CANCELLABLE_STATES:
            return False
        return not (self.is_confirmed and self.has_begun)

    @property
    def needs_return_visit(self) -> bool:
        """A reciprocal visit whose host names who comes back (the return visit itself doesn't)."""
        return self.kind == self.Kind.RECIPROCAL and self.return_of_id is None

    def estimate_total(self, km_rate: Decimal | None) -> Decimal:
        """The cost estimate in euros: the car's kilometres at the rate, and the rest as given."""
        car = Decimal(self.travel_car_km or 0) * (km_rate or 0)
        parts = [car, self.travel_public_eur, self.travel_other_eur, self.accommodation_eur]
        return sum((Decimal(part or 0) for part in parts), Decimal(0)).quantize(Decimal("0.01"))

    def return_details(self) -> "ReturnVisit":
        return ReturnVisit(
            name=self.return_visitor_name,
            email=self.return_visitor_email,
            language=self.return_visitor_language,
            first_day=self.return_first_day,
            last_day=self.return_last_day,
        )


def visit_days_span(first_day, last_day) -> int:
    return (last_day - first_day).days + 1


class Approval(models.Model):
    """One supervisor's decision on one request: the home supervisor's or the host's."""

    class Role(models.TextChoices):
        HOME = "home", _("own supervisor")
        HOST = "host", _("host library")

    class Decision(models.TextChoices):
        PENDING = "pending", _("pending")
        APPROVED = "approved", _("approved")
        DECLINED = "declined", _("declined")
        DATES_PROPOSED = "dates_proposed", _("other dates proposed")
        WITHDRAWN = "withdrawn", _("no longer needed")

    exchange = models.ForeignKey(
        ExchangeRequest,
        models.CASCADE,
        related_name="approvals",
        verbose_name=_("exchange request"),
    )
    role = models.CharField(_("role"), max_length=4, choices=Role.choices)
    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    decision = models.CharField(
        _("decision"), max_length=15, choices=Decision.choices, default=Decision.PENDING
    )
    # Bumped when a new link replaces the old one; a link carries the version it was made for.
    version = models.PositiveIntegerField(_("link version"), default=1)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    # While the decision is pending: when the sweep next reminds (or, after the last
    # reminder, tells the visitor and the coordinator that the request stalls).
    next_reminder_at = models.DateTimeField(_("next reminder due"), null=True, blank=True)
    reminders_sent = models.PositiveSmallIntegerField(_("reminders sent"), default=0)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        indexes = [
            models.Index(
                fields=["next_reminder_at"],
                condition=Q(decision="pending"),
                name="approval_reminder_due",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["exchange", "role"],
                condition=Q(decision="pending"),
                name="approval_one_pending_per_role",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_role_display()}: {self.email}"

    @property
    def approver_label(self) -> str:
        """The supervisor as pages, emails and the history name them: the name, else the address."""
        return self.name or self.email

    @property
    def is_home(self) -> bool:
        """The home supervisor's approval (else the host's)."""
        return self.role == self.Role.HOME

    @property
    def is_host(self) -> bool:
        return self.role == self.Role.HOST

    @property
    def is_pending(self) -> bool:
        return self.decision == self.Decision.PENDING

    @property
    def is_approved(self) -> bool:
        return self.decision == self.Decision.APPROVED

    @property
    def is_declined(self) -> bool:
        return self.decision == self.Decision.DECLINED


class HistoryEntry(models.Model):
    """One transition of an exchange: who, when, from, to, and why."""

    exchange = models.ForeignKey(
        ExchangeRequest, models.CASCADE, related_name="history", verbose_name=_("exchange request")
    )
    at = models.DateTimeField(_("time"), default=timezone.now)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("person"),
    )
    # Who acted, as shown: a supervisor acting through a link has no account.
    actor_label = models.CharField(_("by"), max_length=200, blank=True)
    from_state = models.CharField(_("from"), max_length=20, choices=State.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=State.choices)
    comment = models.TextField(_("comment"), blank=True)

    class Meta:
        ordering = ["at", "pk"]
        verbose_name = _("history entry")
        verbose_name_plural = _("history")

    def __str__(self) -> str:
        to_state = capfirst(self.get_to_state_display())
        if not self.from_state:
            return to_state
        return f"{capfirst(self.get_from_state_display())} → {to_state}"


# A request's focus areas by its id, for the pages that show them (the visitor's request page,
# the supervisors' pages): compiled once per process and language (web.prepared).
_FOCUS_AREAS = Prepared(lambda exchange_id: FocusArea.objects.filter(exchanges=exchange_id))


def focus_areas_of(exchange_id: int, using: str = "default") -> list[FocusArea]:
    return _FOCUS_AREAS.instances(exchange_id, using)
