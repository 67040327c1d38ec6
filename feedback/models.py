"""After the visit: the visitor's feedback and story, the host's feedback, the expense claim.

Each visit has at most one of each (a one-to-one link to the exchange), so a second one for
the same visit is refused by the database as well as by the forms.
"""

import uuid
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchange.models import ExchangeRequest
from libraries.models import Language
from web.prepared import Prepared

CENT = Decimal("0.01")


def euros(value) -> Decimal:
    """A sum of money rounded to the cent, as the accounts office pays it."""
    return Decimal(value or 0).quantize(CENT, rounding=ROUND_HALF_UP)


def has_feedback(exchange_id: int) -> bool:
    """Has the visitor given feedback on this visit? (Feedback reminders stop once they have.)"""
    return VisitorFeedback.objects.filter(exchange_id=exchange_id).exists()


def has_expense_claim(exchange_id: int) -> bool:
    """Has the visitor made an expense claim for this visit?"""
    return ExpenseClaim.objects.filter(exchange_id=exchange_id).exists()


class YearSettings(models.Model):
    """What the coordinator sets for a year: the kilometre rate and the budget."""

    year = models.PositiveSmallIntegerField(
        _("year"), unique=True, validators=[MinValueValidator(2020), MaxValueValidator(2100)]
    )
    km_rate = models.DecimalField(
        _("kilometre allowance, euros per km"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0"))],
    )
    budget = models.DecimalField(
        _("budget for travel and accommodation, euros"),
        max_digits=10,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Empty until the year's budget is known."),
    )

    class Meta:
        ordering = ["-year"]
        verbose_name = _("year's kilometre rate and budget")
        verbose_name_plural = _("years' kilometre rates and budgets")

    def __str__(self) -> str:
        return str(self.year)

    @classmethod
    def km_rate_for(cls, year: int) -> Decimal | None:
        """The year's rate, read for every cost estimate shown: one narrow query, compiled
        once (web.prepared)."""
        rows = _KM_RATE.rows(year, cls.objects.db)
        return rows[0][0] if rows else None


_KM_RATE = Prepared(
    lambda year: YearSettings.objects.filter(year=year).order_by().values_list("km_rate"),
    probes=(2020, 2021),
)


class YearStatistics(YearSettings):
    """The admin's statistics page; a proxy so that it has its own view permission."""

    class Meta:
        proxy = True
        verbose_name = _("yearly statistics")
        verbose_name_plural = _("yearly statistics")


class StoryConsent(models.TextChoices):
    NO = "no", _("Do not publish")
    NAMED = "named", _("Publish with my name and library")
    ANONYMOUS = "anonymous", _("Publish anonymously")


class VisitorFeedbackQuerySet(models.QuerySet):
    def published(self) -> "VisitorFeedbackQuerySet":
        return self.filter(published_at__isnull=False).exclude(story_consent=StoryConsent.NO)

    def stories(self) -> "VisitorFeedbackQuerySet":
        """Published stories, newest first, with everything a story shows."""
        return (
            self.published()
            .select_related(
                "exchange__visitor",
                "exchange__home_library__municipality__region",
                "exchange__host_library__municipality__region",
            )
            .order_by("-published_at", "-pk")
        )


class VisitorFeedback(models.Model):
    """The visitor's feedback on one visit, and the story they allow to be published."""

    class Rating(models.IntegerChoices):
        POOR = 1, _("1 – poor")
        FAIR = 2, _("2 – fair")
        GOOD = 3, _("3 – good")
        VERY_GOOD = 4, _("4 – very good")
        EXCELLENT = 5, _("5 – excellent")

    exchange = models.OneToOneField(
        ExchangeRequest,
        models.PROTECT,
        related_name="feedback",
        verbose_name=_("exchange request"),
    )
    rating = models.PositiveSmallIntegerField(_("overall rating"), choices=Rating.choices)
    learned = models.TextField(_("what I learned"), max_length=3000)
    take_home = models.TextField(_("what I take home to my library"), max_length=3000)
    message_to_host = models.TextField(
        _("message to the host library"), max_length=3000, blank=True
    )
    message_to_coordinator = models.TextField(
        _("message to the coordinator only"), max_length=3000, blank=True
    )
    would_recommend = models.BooleanField(_("would recommend this library"))
    story_consent = models.CharField(
        _("may the story be published"),
        max_length=10,
        choices=StoryConsent.choices,
        default=StoryConsent.NO,
    )
    story = models.TextField(_("story"), max_length=3000, blank=True)
    story_language = models.CharField(
        _("language of the story"), max_length=2, choices=Language.choices, blank=True
    )
    created_at = models.DateTimeField(_("given"), default=timezone.now)

    # The coordinator's part.
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)
    coordinator_note = models.TextField(_("coordinator's private note"), blank=True)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    objects = VisitorFeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("visitor's feedback")
        verbose_name_plural = _("visitors' feedback")
        constraints = [
            models.CheckConstraint(
                condition=Q(rating__gte=1) & Q(rating__lte=5), name="feedback_rating_1_to_5"
            ),
            # The database itself refuses a published story that the visitor did not allow.
            models.CheckConstraint(
                condition=Q(published_at__isnull=True)
                | (~Q(story_consent=StoryConsent.NO) & ~Q(story="")),
                name="feedback_published_only_with_consent",
            ),
        ]
        indexes = [models.Index(fields=["published_at"])]

    def __str__(self) -> str:
        return str(self.exchange)

    @property
    def can_be_published(self) -> bool:
        return self.story_consent != StoryConsent.NO and bool(self.story.strip())

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    @property
    def is_anonymous(self) -> bool:
        return self.story_consent == StoryConsent.ANONYMOUS


class HostFeedback(models.Model):
    """The host library's feedback, given by the workplace mentor through their link."""

    exchange = models.OneToOneField(
        ExchangeRequest,
        models.PROTECT,
        related_name="host_feedback",
        verbose_name=_("exchange request"),
    )
    author_name = models.CharField(_("given by"), max_length=200, blank=True)
    author_email = models.EmailField(_("email"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    how_it_went = models.TextField(_("how it went"), max_length=3000)
    would_host_again = models.BooleanField(_("would host again"))
    created_at = models.DateTimeField(_("given"), default=timezone.now)
    reviewed_at = models.DateTimeField(_("reviewed"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("host library's feedback")
        verbose_name_plural = _("host libraries' feedback")

    def __str__(self) -> str:
        return str(self.exchange)


class ClaimState(models.TextChoices):
    SUBMITTED = "submitted", _("waiting for review")
    APPROVED = "approved", _("approved")
    REJECTED = "rejected", _("rejected")
    PAID = "paid", _("paid")


class ExpenseClaim(models.Model):
    """The visitor's travel and accommodation costs of one visit."""

    exchange = models.OneToOneField(
        ExchangeRequest,
        models.PROTECT,
        related_name="expense_claim",
        verbose_name=_("exchange request"),
    )
    claimant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.PROTECT,
        related_name="expense_claims",
        verbose_name=_("claimant"),
    )
    car_km = models.PositiveIntegerField(_("own car, kilometres"), default=0)
    # The rate of the visit's year when the claim was made: a later change does not move it.
    km_rate = models.DecimalField(
        _("kilometre allowance, euros per km"), max_digits=4, decimal_places=2, default=0
    )
    public_transport_eur = models.DecimalField(
        _("public transport, euros"), max_digits=8, decimal_places=2, default=0
    )
    other_travel_eur = models.DecimalField(
        _("other travel, euros"), max_digits=8, decimal_places=2, default=0
    )
    other_travel_description = models.CharField(
        _("what the other travel was"), max_length=300, blank=True
    )
    accommodation_nights = models.PositiveSmallIntegerField(_("accommodation, nights"), default=0)
    accommodation_eur = models.DecimalField(
        _("accommodation, euros"), max_digits=8, decimal_places=2, default=0
    )
    notes = models.TextField(_("notes for the coordinator"), max_length=2000, blank=True)
    # Kept so that sums over many claims are a single aggregate.
    total_eur = models.DecimalField(_("total, euros"), max_digits=9, decimal_places=2, default=0)

    state = models.CharField(
        _("state"),
        max_length=10,
        choices=ClaimState.choices,
        default=ClaimState.SUBMITTED,
        db_index=True,
    )
    # Bumped by every step of the claim, a corrected claim sent again too; the claimant's
    # emails are keyed on it.
    version = models.PositiveIntegerField(_("version"), default=1)
    rejection_reason = models.TextField(_("reason for rejecting"), max_length=2000, blank=True)
    coordinator_note = models.TextField(_("coordinator's private note"), blank=True)
    submitted_at = models.DateTimeField(_("submitted"), default=timezone.now)
    decided_at = models.DateTimeField(_("decided"), null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    paid_at = models.DateTimeField(_("paid"), null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-pk"]
        verbose_name = _("expense claim")
        verbose_name_plural = _("expense claims")
        constraints = [
            models.CheckConstraint(
                condition=Q(public_transport_eur__gte=0)
                & Q(other_travel_eur__gte=0)
                & Q(accommodation_eur__gte=0)
                & Q(km_rate__gte=0),
                name="claim_amounts_not_negative",
            ),
        ]

    def __str__(self) -> str:
        return str(self.exchange)

    def save(self, *args, **kwargs) -> None:
        self.total_eur = self.compute_total()
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "total_eur" not in update_fields:
            kwargs["update_fields"] = [*update_fields, "total_eur"]
        super().save(*args, **kwargs)

    @property
    def is_submitted(self) -> bool:
        return self.state == ClaimState.SUBMITTED

    @property
    def is_approved(self) -> bool:
        return self.state == ClaimState.APPROVED

    @property
    def is_paid(self) -> bool:
        return self.state == ClaimState.PAID

    @property
    def car_eur(self) -> Decimal:
        return euros(Decimal(self.car_km or 0) * Decimal(self.km_rate or 0))

    def compute_total(self) -> Decimal:
        return euros(
            self.car_eur
            + euros(self.public_transport_eur)
            + euros(self.other_travel_eur)
            + euros(self.accommodation_eur)
        )


def estimate_eur(exchange: ExchangeRequest, km_rate: Decimal | None) -> Decimal:
    """The request's estimate in euros, the car kilometres at the given rate."""
    car = Decimal(exchange.travel_car_km or 0) * (km_rate or 0)
    return euros(
        euros(car)
        + euros(exchange.travel_public_eur)
        + euros(exchange.travel_other_eur)
        + euros(exchange.accommodation_eur)
    )


class ReceiptStorage(FileSystemStorage):
    """Receipts live under PRIVATE_MEDIA_ROOT, which no web server serves.

    They have no URL: the receipt view streams a file only to its claimant and to staff
    allowed to see claims. The location is read from the settings on every use.
    """

    @property
    def base_location(self):
        return settings.PRIVATE_MEDIA_ROOT

    @property
    def location(self):
        return str(Path(settings.PRIVATE_MEDIA_ROOT).resolve())

    def url(self, name):
        raise ValueError("Receipts have no public URL.")


receipt_storage = ReceiptStorage()


def receipt_path(receipt: "Receipt", filename: str) -> str:
    """A random name: the claimant's file name is kept in the database only."""
    suffix = Path(filename).suffix.lower()
    return f"receipts/{timezone.now():%Y/%m}/{uuid.uuid4().hex}{suffix}"


class ReceiptQuerySet(models.QuerySet):
    def delete_with_files(self) -> int:
        """Delete the receipts; their files go once the deletion is committed for good."""
        names = [receipt.file.name for receipt in self]
        count = self.delete()[0]
        transaction.on_commit(lambda: [receipt_storage.delete(name) for name in names])
        return count


class Receipt(models.Model):
    class Kind(models.TextChoices):
        PDF = "application/pdf", "PDF"
        JPEG = "image/jpeg", "JPEG"
        PNG = "image/png", "PNG"

    claim = models.ForeignKey(
        ExpenseClaim, models.CASCADE, related_name="receipts", verbose_name=_("expense claim")
    )
    file = models.FileField(_("file"), storage=receipt_storage, upload_to=receipt_path)
    original_name = models.CharField(_("file name"), max_length=255)
    content_type = models.CharField(_("type"), max_length=20, choices=Kind.choices)
    size = models.PositiveIntegerField(_("size in bytes"))
    uploaded_at = models.DateTimeField(_("uploaded"), default=timezone.now)

    objects = ReceiptQuerySet.as_manager()

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("receipt")
        verbose_name_plural = _("receipts")

    def __str__(self) -> str:
        return self.original_name
