"""The visitor's and the host's feedback, and the stories the coordinator publishes.

What visitors and mentors wrote is shown, never edited; the coordinator adds a private note,
marks feedback reviewed, and publishes (only with consent) and withdraws stories through
feedback.workflow.
"""

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from web import desk

from .. import workflow
from ..models import HostFeedback, VisitorFeedback
from .visits import HostRegionFilter, OfOneVisit, VisitYearFilter


class _DoneFilter(admin.SimpleListFilter):
    field = ""

    def lookups(self, request, model_admin):
        return [("yes", _("Yes")), ("no", _("No"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(**{f"{self.field}__isnull": self.value() == "no"})
        return queryset


class ReviewedFilter(_DoneFilter):
    title = _("reviewed")
    parameter_name = "reviewed"
    field = "reviewed_at"


class PublishedFilter(_DoneFilter):
    title = _("published")
    parameter_name = "published"
    field = "published_at"


class VisitorFeedbackAdminForm(forms.ModelForm):
    reviewed = forms.BooleanField(label=_("Reviewed"), required=False)
    published = forms.BooleanField(
        label=_("Published on the experiences page"),
        required=False,
        help_text=_("Only a story the visitor allowed to be published."),
    )

    class Meta:
        model = VisitorFeedback
        fields = ["coordinator_note"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        feedback = self.instance
        self.fields["reviewed"].initial = feedback.reviewed_at is not None
        self.fields["published"].initial = feedback.is_published
        if not feedback.can_be_published:
            self.fields["published"].disabled = True
            self.fields["published"].help_text = _(
                "The visitor did not allow this story to be published."
            )

    def clean_published(self) -> bool:
        published = self.cleaned_data["published"]
        if published and not self.instance.can_be_published:
            raise forms.ValidationError(_("The visitor did not allow this story to be published."))
        return published

    def save(self, commit=True):
        feedback = super().save(commit=False)
        now = timezone.now()
        if self.cleaned_data["reviewed"] != (feedback.reviewed_at is not None):
            feedback.reviewed_at = now if self.cleaned_data["reviewed"] else None
        if self.cleaned_data["published"] != feedback.is_published:
            feedback.published_at = now if self.cleaned_data["published"] else None
        if commit:
            feedback.save()
        return feedback


def excerpt(text: str, length: int = 90) -> str:
    """The beginning of a text, whole words, for a list's column."""
    text = " ".join(text.split())
    if len(text) <= length:
        return text
    return text[:length].rsplit(" ", 1)[0] + " …"


class _Reviewed(OfOneVisit):
    """Feedback the coordinator marks as reviewed."""

    @admin.display(description=_("reviewed"), boolean=True, ordering="reviewed_at")
    def is_reviewed(self, obj) -> bool:
        return obj.reviewed_at is not None

    @admin.action(description=_("Mark as reviewed"), permissions=["change"])
    def mark_reviewed(self, request, queryset):
        count = queryset.filter(reviewed_at__isnull=True).update(reviewed_at=timezone.now())
        self.message_user(
            request,
            ngettext("Marked %(count)s as reviewed.", "Marked %(count)s as reviewed.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(VisitorFeedback)
class VisitorFeedbackAdmin(_Reviewed, admin.ModelAdmin):
    form = VisitorFeedbackAdminForm
    list_display = [
        "visit",
        "visit_dates",
        "rating",
        "excerpt",
        "is_published",
        "is_reviewed",
    ]
    list_display_links = ["visit"]
    list_filter = [
        desk.DeskFilter,
        VisitYearFilter,
        HostRegionFilter,
        ("exchange__host_library", admin.RelatedOnlyFieldListFilter),
        "rating",
        ReviewedFilter,
        "story_consent",
        PublishedFilter,
    ]
    list_select_related = ["exchange__visitor", "exchange__host_library"]
    search_fields = [
        "exchange__visitor__name",
        "exchange__visitor__email",
        "exchange__host_library__name_fi",
        "exchange__host_library__name_sv",
        "learned",
        "take_home",
        "story",
    ]
    actions = ["mark_reviewed", "publish_stories", "unpublish_stories"]
    # What the visitor wrote is shown as written; the coordinator marks and notes.
    written_by_the_visitor = [
        "rating",
        "would_recommend",
        "learned",
        "take_home",
        "message_to_host",
        "message_to_coordinator",
    ]
    story_fields = ["story_consent", "story_language", "story"]
    readonly_fields = [
        "exchange_link",
        "created_at",
        *written_by_the_visitor,
        *story_fields,
        "reviewed_at",
        "published_at",
    ]
    fieldsets = [
        (None, {"fields": ["exchange_link", "created_at"]}),
        (_("The visitor's feedback"), {"fields": written_by_the_visitor}),
        (_("Story"), {"fields": story_fields}),
        (
            _("Review"),
            {
                "fields": [
                    ("reviewed", "reviewed_at"),
                    ("published", "published_at"),
                    "coordinator_note",
                ]
            },
        ),
    ]

    @admin.display(description=_("what the visitor learned"))
    def excerpt(self, obj: VisitorFeedback) -> str:
        return excerpt(obj.learned)

    @admin.display(description=_("published"), boolean=True, ordering="published_at")
    def is_published(self, obj: VisitorFeedback) -> bool:
        return obj.published_at is not None

    @admin.action(description=_("Publish the stories"), permissions=["change"])
    def publish_stories(self, request, queryset):
        published = refused = 0
        for feedback_id in queryset.values_list("pk", flat=True):
            try:
                workflow.publish_story(feedback_id)
            except workflow.TransitionNotAllowed:
                refused += 1
            else:
                published += 1
        if published:
            self.message_user(
                request,
                ngettext("Published %(count)s story.", "Published %(count)s stories.", published)
                % {"count": published},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)s story was not published: the visitor did not allow it.",
                    "%(count)s stories were not published: the visitors did not allow it.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )

    @admin.action(description=_("Withdraw the stories from publication"), permissions=["change"])
    def unpublish_stories(self, request, queryset):
        # One by one through the workflow: each save tells the public pages to drop the story.
        published = list(queryset.filter(published_at__isnull=False).values_list("pk", flat=True))
        for feedback_id in published:
            workflow.unpublish_story(feedback_id)
        count = len(published)
        self.message_user(
            request,
            ngettext("Withdrew %(count)s story.", "Withdrew %(count)s stories.", count)
            % {"count": count},
            messages.SUCCESS,
        )


@admin.register(HostFeedback)
class HostFeedbackAdmin(_Reviewed, admin.ModelAdmin):
    list_display = [
        "visit",
        "author_name",
        "how_it_went_excerpt",
        "would_host_again",
        "is_reviewed",
    ]
    list_display_links = ["visit"]
    list_filter = [
        desk.DeskFilter,
        VisitYearFilter,
        HostRegionFilter,
        "would_host_again",
        ReviewedFilter,
    ]
    list_select_related = ["exchange__visitor", "exchange__host_library"]
    search_fields = ["exchange__visitor__name", "author_name", "author_email", "how_it_went"]
    fields = [
        "exchange_link",
        ("author_name", "author_email", "language"),
        "created_at",
        "how_it_went",
        "would_host_again",
        "reviewed_at",
    ]
    readonly_fields = [
        "exchange_link",
        "author_name",
        "author_email",
        "language",
        "created_at",
        "how_it_went",
        "would_host_again",
        "reviewed_at",
    ]
    actions = ["mark_reviewed"]

    @admin.display(description=_("how it went"))
    def how_it_went_excerpt(self, obj: HostFeedback) -> str:
        return excerpt(obj.how_it_went)


desk.add(
    VisitorFeedbackAdmin,
    VisitorFeedback,
    section=_("After the visits"),
    place=21,
    rows={
        "visitor-feedback": (
            _("visitors' feedback not yet reviewed"),
            lambda rows, now: rows.filter(reviewed_at__isnull=True),
        )
    },
)
desk.add(
    HostFeedbackAdmin,
    HostFeedback,
    section=_("After the visits"),
    place=22,
    rows={
        "host-feedback": (
            _("host libraries' feedback not yet reviewed"),
            lambda rows, now: rows.filter(reviewed_at__isnull=True),
        )
    },
)
