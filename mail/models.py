"""The outbox: one row per email, written in the transaction that caused it.

A message may be about one object of another app (an exchange, say), through a generic
reference: the outbox itself knows nothing about what the message is about.
"""

from urllib.parse import urlsplit

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationQuerySet(models.QuerySet):
    def unsent(self) -> "NotificationQuerySet":
        return self.filter(status=Notification.Status.PENDING)

    def due(self, now) -> "NotificationQuerySet":
        """Unsent messages whose next attempt is due: what the outbox sweep sends."""
        return self.unsent().filter(next_attempt_at__lte=now)

    def claims_gone_stale(self, before) -> "NotificationQuerySet":
        """Messages claimed for sending before this moment whose outcome was never recorded."""
        return self.filter(status=Notification.Status.SENDING, claimed_at__lt=before)

    def about(self, obj: models.Model) -> "NotificationQuerySet":
        """Messages about this object."""
        return self.filter(about_type=ContentType.objects.get_for_model(obj), about_id=obj.pk)

    def about_nothing(self) -> "NotificationQuerySet":
        """Messages about no object: sign-in links, accessibility feedback."""
        return self.filter(about_id__isnull=True)


class Notification(models.Model):
    """One email in the outbox, written in the transaction that caused it."""

    class Status(models.TextChoices):
        PENDING = "pending", _("waiting")
        SENDING = "sending", _("being sent")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")
        # Claimed for sending, but nobody recorded what the mail server said: it may have gone.
        UNKNOWN = "unknown", _("outcome unknown")

    kind = models.CharField(_("kind"), max_length=50, db_index=True)
    # What the message is about, if anything: the app that wrote it follows the reference.
    about_type = models.ForeignKey(
        ContentType,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about"),
    )
    about_id = models.PositiveBigIntegerField(_("about"), null=True, blank=True)
    about = GenericForeignKey("about_type", "about_id")
    recipient = models.EmailField(_("recipient"))
    recipient_name = models.CharField(_("recipient's name"), max_length=200, blank=True)
    language = models.CharField(_("language"), max_length=2, choices=settings.LANGUAGES)
    dedupe_key = models.CharField(_("deduplication key"), max_length=200, unique=True)
    subject = models.CharField(_("subject"), max_length=300)
    body_text = models.TextField(_("text"))
    body_html = models.TextField(_("HTML"), blank=True)
    # An iCalendar event sent along, e.g. the confirmed visit for the recipient's calendar.
    calendar = models.TextField(_("calendar event"), blank=True)
    # What the message is drawn from (outbox.enqueue's `draw_from`): kept so that a message
    # written without its text is drawn by the worker that sends it.
    draw_from = models.JSONField(
        _("what the message is drawn from"),
        default=dict,
        db_default={},
        blank=True,
        editable=False,
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    # When a sender claimed it (status "being sent"), before talking to the mail server.
    claimed_at = models.DateTimeField(_("claimed for sending"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    # When the outbox sweep may try an unsent message: a little after it was written (its
    # own task goes first), then later after each temporary failure (backoff).
    next_attempt_at = models.DateTimeField(_("next attempt"), default=timezone.now)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        indexes = [
            models.Index(fields=["status", "created_at"]),
            models.Index(
                fields=["next_attempt_at"],
                condition=Q(status="pending"),
                name="mail_notification_due",
            ),
            models.Index(fields=["about_type", "about_id"], name="mail_notification_about"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} → {self.recipient}"

    @property
    def drawn(self) -> bool:
        """Whether the text is written in the row; if not, the sender draws it (from
        draw_from) before sending."""
        return bool(self.body_text) or not self.draw_from

    def get_kind_display(self) -> str:
        from .kinds import kind_name

        return kind_name(self.kind)

    @property
    def message_id(self) -> str:
        """The same Message-ID on every attempt, so a copy that did go twice is one message."""
        return f"<kollega.{self.pk}.{self.created_at:%Y%m%d%H%M%S}@{message_id_domain()}>"


def message_id_domain() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"
