from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


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


class LibraryQuerySet(models.QuerySet):
    def accepting_visitors(self) -> "LibraryQuerySet":
        return self.filter(accepts_visitors=True)

    def with_domain(self, domain: str) -> "LibraryQuerySet":
        """Libraries whose staff use the given email domain."""
        domain = domain.strip().lower()
        candidates = self.filter(email_domains__icontains=domain)
        ids = [lib.pk for lib in candidates if domain in lib.domain_list]
        return self.filter(pk__in=ids)


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
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = LibraryQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("library")
        verbose_name_plural = _("libraries")

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
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


class StaffManager(BaseUserManager):
    use_in_migrations = True

    def get_by_natural_key(self, email: str) -> "Staff":
        return self.get(email__iexact=email)

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
    is_staff = models.BooleanField(
        _("coordinator access"),
        default=False,
        help_text=_("Can sign in to the administration."),
    )
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("joined"), default=timezone.now)

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
        return self.name or self.email

    def save(self, *args, **kwargs) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

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
