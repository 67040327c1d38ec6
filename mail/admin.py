"""The outbox in the admin: a record of what was sent, and a resend for what failed."""

from django.contrib import admin, messages
from django.contrib.contenttypes.admin import GenericTabularInline
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from web import desk
from web.admin_site import ShownOnly, WrittenByKollega

from . import outbox
from .kinds import kind_name
from .models import Notification


class NotificationInline(ShownOnly, GenericTabularInline):
    """What was sent to whom and when, on the page of the object the messages are about."""

    model = Notification
    ct_field = "about_type"
    ct_fk_field = "about_id"
    fields = [
        "created_at",
        "kind_name",
        "recipient",
        "language",
        "subject_shown",
        "status",
        "sent_at",
    ]
    readonly_fields = fields
    show_change_link = True
    verbose_name_plural = _("messages sent")

    @admin.display(description=_("kind"))
    def kind_name(self, notification: Notification) -> str:
        return notification.get_kind_display()

    @admin.display(description=_("subject"))
    def subject_shown(self, notification: Notification) -> str:
        return _subject(notification)


def _subject(notification: Notification) -> str:
    """The subject, or that the worker writes the message when it sends it."""
    if notification.drawn:
        return notification.subject
    return gettext("(written when it is sent)")


# What only the sending needs: the key that keeps a message from going twice, and the values
# a message not written yet is drawn from.
TECHNICAL = ["dedupe_key", "draw_from"]


class KindFilter(admin.SimpleListFilter):
    """The kinds of message the outbox holds, by their names."""

    title = _("kind")
    parameter_name = "kind"

    def lookups(self, request, model_admin):
        kinds = Notification.objects.order_by().values_list("kind", flat=True).distinct()
        return sorted(((kind, kind_name(kind)) for kind in kinds), key=lambda pair: pair[1])

    def queryset(self, request, queryset):
        return queryset.filter(kind=self.value()) if self.value() else queryset


@admin.register(Notification)
class NotificationAdmin(WrittenByKollega, admin.ModelAdmin):
    """The outbox is a record of what was sent: nobody writes or rewrites it by hand."""

    list_display = ["created_at", "kind_name", "status", "recipient", "subject_shown", "sent_at"]
    list_filter = [desk.DeskFilter, "status", KindFilter, "language", "created_at"]
    date_hierarchy = "created_at"
    search_fields = ["recipient", "recipient_name", "subject", "dedupe_key"]
    actions = ["resend"]
    # Every field, as written: the reference to what the message is about as one column. What
    # only the sending needs is folded away at the end.
    readonly_fields = [
        {"about_type": "about_display", "kind": "kind_name"}.get(field.name, field.name)
        for field in Notification._meta.concrete_fields
        if field.name not in {"id", "about_id"}
    ]
    fieldsets = [
        (None, {"fields": [name for name in readonly_fields if name not in TECHNICAL]}),
        (_("Technical details"), {"classes": ["collapse"], "fields": TECHNICAL}),
    ]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("about")

    @admin.display(description=_("kind"), ordering="kind")
    def kind_name(self, notification: Notification) -> str:
        return notification.get_kind_display()

    @admin.display(description=_("subject"), ordering="subject")
    def subject_shown(self, notification: Notification) -> str:
        return _subject(notification)

    @admin.display(description=_("about"))
    def about_display(self, notification: Notification) -> str:
        return str(notification.about) if notification.about is not None else ""

    @admin.action(description=_("Resend the selected failed messages"), permissions=["resend"])
    def resend(self, request, queryset):
        """A failed message goes back to the outbox and is sent again as it was written."""
        resent = sum(
            outbox.resend(pk)
            for pk in queryset.filter(
                status__in=[Notification.Status.FAILED, Notification.Status.UNKNOWN]
            ).values_list("pk", flat=True)
        )
        if resent:
            self.message_user(
                request,
                ngettext(
                    "%(count)s message will be sent again.",
                    "%(count)s messages will be sent again.",
                    resent,
                )
                % {"count": resent},
                messages.SUCCESS,
            )
        else:
            self.message_user(
                request,
                gettext(
                    "Only failed messages, or those whose outcome is unknown, can be sent again."
                ),
                messages.WARNING,
            )

    def has_resend_permission(self, request) -> bool:
        return request.user.has_perm("mail.view_notification") and request.user.is_staff


desk.add(
    NotificationAdmin,
    Notification,
    section=_("Emails"),
    place=40,
    rows={
        "failed-emails": (
            _("emails that failed or whose outcome is unknown"),
            lambda rows, now: rows.filter(
                status__in=[Notification.Status.FAILED, Notification.Status.UNKNOWN]
            ),
        )
    },
)
