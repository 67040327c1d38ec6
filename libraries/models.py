from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import connection, models, router
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce, Collate, Lower, NullIf
from django.urls import reverse
from django.utils import dates, timezone
from django.utils.translation import get_language, gettext
from django.utils.translation import gettext_lazy as _

from web.mailboxes import mailbox_key, same_mailbox
from web.prepared import Prepared, locking_by_id


class Language(models.TextChoices):
    FINNISH = "fi", _("Finnish")
    SWEDISH = "sv", _("Swedish")


class Region(models.Model):
    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("region")
        verbose_name_plural = _("regions")

    def __str__(self) -> str:
        return self.name


class Municipality(models.Model):
    class LanguageStatus(models.TextChoices):
        FINNISH = "fi", _("Finnish-speaking")
        BILINGUAL_FINNISH = "fi+sv", _("bilingual, Finnish majority")
        BILINGUAL_SWEDISH = "sv+fi", _("bilingual, Swedish majority")

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)
    region = models.ForeignKey(
        Region, models.PROTECT, related_name="municipalities", verbose_name=_("region")
    )
    language_status = models.CharField(
        _("language status"), max_length=5, choices=LanguageStatus.choices
    )
    # The centre of the municipality (WGS84), from the public source named beside it;
    # distances between libraries are measured between their municipalities' centres.
    latitude = models.DecimalField(
        _("latitude of the centre"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude of the centre"), max_digits=7, decimal_places=4, null=True, blank=True
    )
    coordinates_source = models.CharField(
        _("source of the coordinates"), max_length=300, blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("municipality")
        verbose_name_plural = _("municipalities")

    def __str__(self) -> str:
        return self.name

    @property
    def is_bilingual(self) -> bool:
        return self.language_status != self.LanguageStatus.FINNISH

    @property
    def main_language(self) -> str:
        return "sv" if self.language_status == self.LanguageStatus.BILINGUAL_SWEDISH else "fi"

    @property
    def centre(self) -> tuple[float, float] | None:
        """(latitude, longitude) of the centre, or None while the coordinates are unknown."""
        if self.latitude is None or self.longitude is None:
            return None
        return float(self.latitude), float(self.longitude)


class Network(models.Model):
    """A library consortium (kirjastokimppa), e.g. Eepos, Anders, Fredrika."""

    name = models.CharField(_("name"), max_length=100, unique=True)
    slug = models.SlugField(_("slug"), unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("library network")
        verbose_name_plural = _("library networks")

    def __str__(self) -> str:
        return self.name


class FocusArea(models.Model):
    """Something a visitor can learn at a library."""

    name = models.CharField(_("name"), max_length=100)
    slug = models.SlugField(_("slug"), unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("focus area")
        verbose_name_plural = _("focus areas")

    def __str__(self) -> str:
        return self.name


# PostgreSQL's ICU collations put Å, Ä and Ö after Z as Finnish and Swedish readers expect;
# SQLite, used only on a developer's machine, compares code points.
ICU_COLLATIONS = {"fi": "fi-x-icu", "sv": "sv-x-icu"}


def shown_name(field: str = "name") -> models.Expression:
    """A translated field as the reader sees it, for ordering in the database.

    In Swedish a row without a Swedish value shows the Finnish one, so it sorts by it too.
    """
    language = "sv" if get_language() == "sv" else "fi"
    if language == "sv":
        shown = Coalesce(NullIf(f"{field}_sv", Value("")), f"{field}_fi")
    else:
        shown = F(f"{field}_fi")
    if connection.vendor == "postgresql":
        return Collate(shown, ICU_COLLATIONS[language])
    return shown


# A library of this many people or fewer is small: a visitor from it says how it stays open.
SMALL_LIBRARY_STAFF = 3
MAX_VISITORS_PER_DAY = 20

# ISO weekday (1 = Monday) → its name, in Django's own translations.
WEEKDAYS = {number + 1: name for number, name in dates.WEEKDAYS.items()}
WEEKDAYS_ABBR = {number + 1: name for number, name in dates.WEEKDAYS_ABBR.items()}

# The languages a library's desk may serve in: the national languages, English, and those
# most spoken at Finnish libraries' desks after them.
DESK_LANGUAGES = {
    "fi": _("Finnish"),
    "sv": _("Swedish"),
    "en": _("English"),
    "de": _("German"),
    "ru": _("Russian"),
    "uk": _("Ukrainian"),
    "et": _("Estonian"),
    "ar": _("Arabic"),
    "so": _("Somali"),
}


def validate_weekdays(value: str) -> None:
    if not value or any(c not in "1234567" for c in value):
        raise ValidationError(_("Choose at least one weekday."), code="weekdays")


def validate_desk_languages(value: str) -> None:
    if value and any(code not in DESK_LANGUAGES for code in value.split(",")):
        raise ValidationError(_("Choose the languages from the list."), code="languages")


class LibraryQuerySet(models.QuerySet):
    def accepting_visitors(self) -> "LibraryQuerySet":
        return self.filter(accepts_visitors=True)

    def with_domain(self, domain: str) -> "LibraryQuerySet":
        """Libraries whose staff use the given email domain."""
        domain = domain.strip().lower()
        candidates = self.filter(email_domains__icontains=domain)
        ids = [lib.pk for lib in candidates if domain in lib.domain_list]
        return self.filter(pk__in=ids)

    def with_related(self) -> "LibraryQuerySet":
        """Everything a list of libraries shows, in a fixed number of queries."""
        return self.select_related("municipality__region", "network").prefetch_related(
            "focus_areas"
        )

    def in_name_order(self) -> "LibraryQuerySet":
        """Alphabetical by the name shown in the active language."""
        return self.order_by(shown_name(), "pk")

    def by_slug(self, slug: str) -> "LibraryQuerySet":
        """The libraries whose address is or was this slug, in either language."""
        return self.filter(Q(slug_fi=slug) | Q(slug_sv=slug))

    def with_contact(self, address: str) -> "LibraryQuerySet":
        """Libraries whose exchange contact is reached by this address, however it is written."""
        key = mailbox_key(address)
        local, _at, domain = key.rpartition("@")
        if not local:
            return self.none()
        candidates = self.filter(
            Q(contact_email__iexact=key)
            | Q(contact_email__istartswith=f"{local}+", contact_email__iendswith=f"@{domain}")
        )
        return self.filter(pk__in=[lib.pk for lib in candidates if lib.is_contact(key)])

    def search(self, text: str) -> "LibraryQuerySet":
        """Libraries whose name, municipality or city contains every word of the text."""
        fields = [
            "name_fi",
            "name_sv",
            "municipality__name_fi",
            "municipality__name_sv",
            "city_fi",
            "city_sv",
        ]
        queryset = self
        for word in text.split():
            # SQLite matches only ASCII letters case-insensitively; the capitalised word
            # lets "ähtäri" find "Ähtärin kaupunginkirjasto" there too.
            variants = {word, word.capitalize()}
            matches = Q()
            for field in fields:
                for variant in variants:
                    matches |= Q(**{f"{field}__icontains": variant})
            queryset = queryset.filter(matches)
        return queryset


class Library(models.Model):
    class Kind(models.TextChoices):
        MAIN = "main", _("main library")
        BRANCH = "branch", _("branch library")
        MOBILE = "mobile", _("mobile library")

    name = models.CharField(_("name"), max_length=200)
    slug = models.SlugField(_("slug"), max_length=200, unique=True)
    description = models.TextField(_("description"), blank=True)
    municipality = models.ForeignKey(
        Municipality, models.PROTECT, related_name="libraries", verbose_name=_("municipality")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    network = models.ForeignKey(
        Network,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="libraries",
        verbose_name=_("library network"),
    )
    # The street, town and website have a Swedish version too (libraries/translation.py);
    # a reader sees their own language's, or the Finnish one where there is none.
    street = models.CharField(_("street address"), max_length=200, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=10, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    website = models.URLField(_("website"), blank=True)
    email_domains = models.CharField(
        _("staff email domains"),
        max_length=300,
        blank=True,
        help_text=_("Domains the staff use in their email addresses, separated by semicolons."),
    )
    contact_name = models.CharField(_("exchange contact person"), max_length=200, blank=True)
    contact_email = models.EmailField(_("exchange contact email"), blank=True)
    contact_language = models.CharField(
        _("exchange contact language"), max_length=2, choices=Language.choices, blank=True
    )
    accepts_visitors = models.BooleanField(_("accepts visitors"), default=True)
    focus_areas = models.ManyToManyField(
        FocusArea, blank=True, related_name="libraries", verbose_name=_("focus areas")
    )

    # The hosting profile: what the library offers a visitor and how to get there, kept by
    # its exchange contact on the host page and by the coordinator in the admin.
    hosting_offer = models.TextField(
        _("what we can show a visitor"),
        max_length=3000,
        blank=True,
        help_text=_("Services, ways of working and projects a visitor could see or take part in."),
    )
    desk_languages = models.CharField(
        _("languages spoken at the desk"),
        max_length=60,
        blank=True,
        validators=[validate_desk_languages],
    )
    visitors_per_day = models.PositiveSmallIntegerField(
        _("visitors at a time"),
        default=1,
        validators=[MinValueValidator(1), MaxValueValidator(MAX_VISITORS_PER_DAY)],
        help_text=_("How many visitors the library can take on the same day."),
    )
    host_weekdays = models.CharField(
        _("weekdays the library can host"),
        max_length=7,
        default="12345",
        validators=[validate_weekdays],
    )
    parking = models.CharField(_("parking"), max_length=500, blank=True)
    bus = models.CharField(_("by bus"), max_length=500, blank=True)
    train = models.CharField(_("by train"), max_length=500, blank=True)
    accessibility_notes = models.TextField(
        _("accessibility"),
        max_length=2000,
        blank=True,
        help_text=_("Entrances, lifts, toilets, quiet rooms: what a visitor may need to know."),
    )
    staff_size = models.PositiveSmallIntegerField(
        _("staff size"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(1000)],
        help_text=_("How many people work at the library."),
    )
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LibraryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("library")
        verbose_name_plural = _("libraries")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        """The library's page in the active language, under its name in that language."""
        return reverse("libraries:library-detail", args=[self.slug])

    @property
    def domain_list(self) -> list[str]:
        return [d.strip().lower() for d in self.email_domains.split(";") if d.strip()]

    def owns_email(self, email: str) -> bool:
        domain = email.rsplit("@", 1)[-1].strip().lower()
        return domain in self.domain_list

    @property
    def main_language(self) -> str:
        return self.municipality.main_language

    @property
    def address(self) -> str:
        postal = " ".join(p for p in [self.postal_code, self.city] if p)
        return ", ".join(p for p in [self.street, postal] if p)

    @property
    def is_small(self) -> bool:
        """Three people or fewer: a visit away leaves the library hard to keep open."""
        return self.staff_size is not None and self.staff_size <= SMALL_LIBRARY_STAFF

    @property
    def weekday_numbers(self) -> list[int]:
        """The ISO weekdays (1 = Monday) on which the library can host."""
        return sorted({int(c) for c in self.host_weekdays if c in "1234567"})

    def hosts_on(self, day: date) -> bool:
        return day.isoweekday() in self.weekday_numbers

    @property
    def desk_language_codes(self) -> list[str]:
        return [code for code in self.desk_languages.split(",") if code in DESK_LANGUAGES]

    def get_desk_languages_display(self) -> list[str]:
        return [str(DESK_LANGUAGES[code]) for code in self.desk_language_codes]

    def get_host_weekdays_display(self) -> list[str]:
        return [str(WEEKDAYS[number]) for number in self.weekday_numbers]

    @property
    def has_directions(self) -> bool:
        return bool(self.parking or self.bus or self.train)

    def is_contact(self, address: str) -> bool:
        """Does this address reach the library's exchange contact, however it is written?"""
        return bool(self.contact_email) and same_mailbox(self.contact_email, address)


class ClosedPeriod(models.Model):
    """Days on which a library takes no visitors: closed, or too busy to host."""

    class Reason(models.TextChoices):
        SUMMER = "summer", _("summer closure")
        INVENTORY = "inventory", _("inventory")
        RENOVATION = "renovation", _("renovation")
        HOLIDAY = "holiday", _("holidays")
        BUSY = "busy", _("busy period")

    library = models.ForeignKey(
        Library, models.CASCADE, related_name="closed_periods", verbose_name=_("library")
    )
    reason = models.CharField(_("reason"), max_length=12, choices=Reason.choices)
    first_day = models.DateField(_("first day"))
    last_day = models.DateField(_("last day"))
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        ordering = ["first_day", "pk"]
        verbose_name = _("closed or busy period")
        verbose_name_plural = _("closed or busy periods")
        indexes = [models.Index(fields=["library", "last_day"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(last_day__gte=F("first_day")),
                name="closed_period_last_day_not_before_first",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.first_day:%d.%m.%Y}–{self.last_day:%d.%m.%Y}"

    def covers(self, day: date) -> bool:
        return self.first_day <= day <= self.last_day

    def clean(self) -> None:
        if self.first_day and self.last_day and self.last_day < self.first_day:
            raise ValidationError(
                {"last_day": _("The last day cannot be before the first day.")}, code="before_first"
            )


class StaffManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email: str) -> "Staff":
        # An address longer than the field holds matches nobody, and SQLite refuses so long
        # a LIKE pattern: Django's sign-in form does not enforce the length itself.
        if len(email) > self.model._meta.get_field("email").max_length:
            raise self.model.DoesNotExist
        staff = self.for_mailbox(email)
        if staff is None:
            raise self.model.DoesNotExist
        return staff

    def for_mailbox(self, address: str) -> "Staff | None":
        """The person whose address reaches the same mailbox as this one, if any.

        An address is theirs when it folds to the same key (web/mailboxes.py): a variant in
        case, sub-address or compatibility form reaches that account and never another.
        """
        key = mailbox_key(address)
        local, _at, domain = key.rpartition("@")
        if not local:
            return None
        candidates = self.filter(
            Q(email__iexact=key) | Q(email__istartswith=f"{local}+", email__iendswith=f"@{domain}")
        ).order_by("pk")
        matches = [staff for staff in candidates if mailbox_key(staff.email) == key]
        exact = [staff for staff in matches if staff.email == key]
        return (exact or matches or [None])[0]

    def create_user(self, email: str, password: str | None = None, **fields) -> "Staff":
        if not email:
            raise ValueError("An email address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> "Staff":
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        return self.create_user(email, password, **fields)


class Staff(AbstractBaseUser, PermissionsMixin):
    """A person Kollega knows: a librarian, or the coordinator (is_staff)."""

    email = models.EmailField(_("email address"), unique=True)
    name = models.CharField(_("name"), max_length=200, blank=True)
    library = models.ForeignKey(
        Library,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="staff",
        verbose_name=_("home library"),
    )
    job_title = models.CharField(_("job title"), max_length=200, blank=True)
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FINNISH
    )
    supervisor_name = models.CharField(_("supervisor's name"), max_length=200, blank=True)
    supervisor_email = models.EmailField(_("supervisor's email"), blank=True)
    # What the person would like to learn, and which national language they would like to
    # practise: the suggested hosts are ranked by both.
    interests = models.ManyToManyField(
        FocusArea, blank=True, related_name="interested_staff", verbose_name=_("interests")
    )
    language_wish = models.CharField(
        _("language to practise"), max_length=2, choices=Language.choices, blank=True
    )
    is_staff = models.BooleanField(
        _("coordinator access"),
        default=False,
        help_text=_("Can sign in to the administration."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)
    # When the account's personal data was removed (privacy/retention.py).
    anonymised_at = models.DateTimeField(_("personal data removed"), null=True, blank=True)

    objects = StaffManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["name", "email"]
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="staff_email_unique_ci"),
        ]

    def __str__(self) -> str:
        if self.anonymised_at:
            return gettext("anonymised person #%(id)s") % {"id": self.pk}
        return self.name or self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    def owns_mailbox(self, address: str) -> bool:
        """Does this address reach the person's own mailbox, however it is written?"""
        return same_mailbox(self.email, address)

    @property
    def profile_complete(self) -> bool:
        return bool(self.name and self.library_id and self.supervisor_email)


class ContactDetails(models.Model):
    """The regional coordinator's contact details shown on the home page; one row."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    title = models.CharField(_("title"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    website = models.URLField(_("website"), blank=True)

    class Meta:
        verbose_name = _("coordinator's contact details")
        verbose_name_plural = _("coordinator's contact details")

    def __str__(self) -> str:
        return self.name or str(self._meta.verbose_name)

    @classmethod
    def load(cls) -> "ContactDetails":
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class LegalDetails(models.Model):
    """Who answers for Kollega in law, for the privacy notice and the accessibility statement.

    One row, edited by the coordinator next to the contact details: the controller (the city
    that runs the regional development task), its data protection officer, and the
    authorities a user can turn to. Its first values and their sources are in the migration
    that made it (libraries/migrations/0006_legaldetails.py).
    """

    controller = models.CharField(
        _("controller"), max_length=200, blank=True, help_text=_("The legal person, e.g. a city.")
    )
    controller_unit = models.CharField(_("unit that runs the service"), max_length=200, blank=True)
    controller_business_id = models.CharField(_("business ID"), max_length=20, blank=True)
    controller_address = models.CharField(
        _("controller's postal address"), max_length=200, blank=True
    )
    controller_phone = models.CharField(_("controller's phone"), max_length=50, blank=True)
    dpo_name = models.CharField(_("data protection officer"), max_length=200, blank=True)
    dpo_email = models.EmailField(_("data protection officer's email"), blank=True)
    dpo_phone = models.CharField(_("data protection officer's phone"), max_length=50, blank=True)
    privacy_authority = models.CharField(_("data protection authority"), max_length=200, blank=True)
    privacy_authority_address = models.CharField(
        _("data protection authority's postal address"), max_length=200, blank=True
    )
    privacy_authority_phone = models.CharField(
        _("data protection authority's phone"), max_length=50, blank=True
    )
    privacy_authority_website = models.URLField(
        _("data protection authority's website"), blank=True
    )
    accessibility_authority = models.CharField(
        _("accessibility supervisory authority"), max_length=200, blank=True
    )
    accessibility_authority_email = models.EmailField(
        _("accessibility supervisory authority's email"), blank=True
    )
    accessibility_authority_phone = models.CharField(
        _("accessibility supervisory authority's phone"), max_length=50, blank=True
    )
    accessibility_authority_website = models.URLField(
        _("accessibility supervisory authority's website"), blank=True
    )

    class Meta:
        verbose_name = _("controller and authorities")
        verbose_name_plural = _("controller and authorities")

    def __str__(self) -> str:
        return str(self._meta.verbose_name)


class SignInLinkQuerySet(models.QuerySet):
    def for_email(self, email: str) -> "SignInLinkQuerySet":
        return self.filter(email__iexact=email.strip())

    def created_since(self, moment) -> "SignInLinkQuerySet":
        return self.filter(created_at__gte=moment)


class SignInLink(models.Model):
    """A one-time sign-in link sent by email. Only a hash of its token is kept."""

    token_hash = models.CharField(_("token hash"), max_length=64, unique=True)
    email = models.EmailField(_("email address"))
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    # Where to go after signing in: a path on this site, checked again when used.
    next_url = models.CharField(_("next page"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now, db_index=True)
    used_at = models.DateTimeField(_("used"), null=True, blank=True)

    objects = SignInLinkQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("sign-in link")
        verbose_name_plural = _("sign-in links")

    def __str__(self) -> str:
        return f"{self.email} {self.created_at:%Y-%m-%d %H:%M}"

    @property
    def is_used(self) -> bool:
        return self.used_at is not None

    def expires_at(self):
        return self.created_at + timedelta(seconds=settings.SIGN_IN_LINK_MAX_AGE)

    def is_expired(self, now=None) -> bool:
        return (now or timezone.now()) >= self.expires_at()


# The Act on the Provision of Digital Services (306/2019) expects an answer within two weeks.
ACCESSIBILITY_ANSWER_WITHIN = timedelta(days=14)


class AccessibilityFeedbackQuerySet(models.QuerySet):
    def unanswered(self) -> "AccessibilityFeedbackQuerySet":
        return self.filter(answered_at__isnull=True)

    def overdue(self, now=None) -> "AccessibilityFeedbackQuerySet":
        """Messages not answered within the two weeks the law expects."""
        cutoff = (now or timezone.now()) - ACCESSIBILITY_ANSWER_WITHIN
        return self.unanswered().filter(created_at__lte=cutoff)


class AccessibilityFeedback(models.Model):
    """A message sent with the accessibility statement's form, kept for the coordinator."""

    name = models.CharField(_("name"), max_length=200, blank=True)
    email = models.EmailField(_("email"), blank=True)
    message = models.TextField(_("message"), max_length=5000)
    page = models.CharField(
        _("page"), max_length=500, blank=True, help_text=_("The page the message is about.")
    )
    language = models.CharField(
        _("language"), max_length=2, choices=Language.choices, default=Language.FINNISH
    )
    created_at = models.DateTimeField(_("received"), default=timezone.now, db_index=True)
    answered_at = models.DateTimeField(_("answered"), null=True, blank=True)
    answer_note = models.TextField(
        _("answer note"), blank=True, help_text=_("How and when the message was answered.")
    )

    objects = AccessibilityFeedbackQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("accessibility feedback")
        verbose_name_plural = _("accessibility feedback")

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.message[:60]}"

    @property
    def answer_due(self):
        return self.created_at + ACCESSIBILITY_ANSWER_WITHIN

    def is_overdue(self, now=None) -> bool:
        return self.answered_at is None and (now or timezone.now()) >= self.answer_due


# A library by its id with its municipality, as a form or a transition reads one: a query
# whose shape never changes, compiled once per process (web.prepared). A transition locks
# the row it reads, as every lock of Kollega does (FOR NO KEY UPDATE).
_LIBRARY = Prepared(
    lambda pk: Library.objects.select_related("municipality").filter(pk=pk).order_by()
)
_LIBRARY_LOCKED = locking_by_id(Library, "municipality")


def library_by_id(pk: int, *, locking: bool = False) -> Library | None:
    """The library with this id, with its municipality; None when there is none. `locking`
    locks its row until the transaction ends (inside one only)."""
    if locking:
        found = _LIBRARY_LOCKED.instances(pk, router.db_for_write(Library))
    else:
        found = _LIBRARY.instances(pk, router.db_for_read(Library))
    return found[0] if found else None
