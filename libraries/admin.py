from datetime import timedelta

from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm, UserChangeForm
from django.db import models
from django.db.models import Count
from django.http import HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from modeltranslation.admin import TranslationAdmin, TranslationTabularInline

from web import desk
from web.security_admin import PermissionLabels

from .host_forms import HostingFieldsMixin
from .models import (
    AccessibilityFeedback,
    ClosedPeriod,
    ContactDetails,
    FocusArea,
    LegalDetails,
    Library,
    Municipality,
    Network,
    Region,
    Staff,
)

# A website typed without its scheme is taken to be https, as browsers do today.
URL_FIELDS = {models.URLField: {"assume_scheme": "https"}}
# Checkboxes, not the two-list widget: they work with a keyboard and a screen reader alike,
# and the focus areas are few.
FOCUS_AREA_CHECKBOXES = {models.ManyToManyField: {"widget": forms.CheckboxSelectMultiple}}


@admin.register(Region)
class RegionAdmin(TranslationAdmin):
    list_display = ["name_fi", "name_sv", "slug"]
    fields = [("name_fi", "name_sv"), "slug"]
    prepopulated_fields = {"slug": ["name_fi"]}
    ordering = ["name_fi"]


@admin.register(Municipality)
class MunicipalityAdmin(TranslationAdmin):
    list_display = ["name_fi", "name_sv", "region", "language_status"]
    list_filter = ["region", "language_status"]
    list_select_related = ["region"]
    search_fields = ["name_fi", "name_sv"]
    fields = [
        ("name_fi", "name_sv"),
        "slug",
        "region",
        "language_status",
        ("latitude", "longitude"),
        "coordinates_source",
    ]
    prepopulated_fields = {"slug": ["name_fi"]}
    ordering = ["name_fi"]


@admin.register(Network)
class NetworkAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(FocusArea)
class FocusAreaAdmin(TranslationAdmin):
    list_display = ["name_fi", "name_sv", "slug", "library_count"]
    search_fields = ["name_fi", "name_sv"]
    fields = [("name_fi", "name_sv"), "slug"]
    prepopulated_fields = {"slug": ["name_fi"]}
    ordering = ["name_fi"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(library_count=Count("libraries"))

    @admin.display(description=_("libraries"), ordering="library_count")
    def library_count(self, obj: FocusArea) -> int:
        return obj.library_count


class LibraryAdminForm(HostingFieldsMixin):
    class Meta:
        model = Library
        fields = "__all__"


class ClosedPeriodInline(TranslationTabularInline):
    model = ClosedPeriod
    extra = 0
    fields = ["reason", "first_day", "last_day", "note_fi", "note_sv"]


@admin.register(Library)
class LibraryAdmin(TranslationAdmin):
    list_display = [
        "name_fi",
        "name_sv",
        "municipality",
        "kind",
        "contact_name",
        "accepts_visitors",
    ]
    list_filter = [
        "municipality__region",
        "kind",
        "network",
        "accepts_visitors",
        "focus_areas",
        "municipality",
    ]
    list_select_related = ["municipality", "network"]
    search_fields = [
        "name_fi",
        "name_sv",
        "city",
        "municipality__name_fi",
        "municipality__name_sv",
        "email_domains",
    ]
    ordering = ["name_fi"]
    prepopulated_fields = {"slug": ["name_fi"]}
    formfield_overrides = {**URL_FIELDS, **FOCUS_AREA_CHECKBOXES}
    autocomplete_fields = ["municipality"]
    readonly_fields = ["updated_at"]
    fieldsets = [
        (None, {"fields": [("name_fi", "name_sv"), "slug", "kind", "municipality", "network"]}),
        (
            _("Address and web"),
            {"fields": ["street", ("postal_code", "city"), "website", "email_domains"]},
        ),
        (
            _("For visitors"),
            {
                "fields": [
                    "accepts_visitors",
                    ("description_fi", "description_sv"),
                    "focus_areas",
                    ("contact_name", "contact_email", "contact_language"),
                ]
            },
        ),
        (
            _("Hosting"),
            {
                "fields": [
                    ("hosting_offer_fi", "hosting_offer_sv"),
                    "desk_languages",
                    ("visitors_per_day", "staff_size"),
                    "host_weekdays",
                    ("parking_fi", "parking_sv"),
                    ("bus_fi", "bus_sv"),
                    ("train_fi", "train_sv"),
                    ("accessibility_notes_fi", "accessibility_notes_sv"),
                ]
            },
        ),
        (None, {"fields": ["updated_at"]}),
    ]
    form = LibraryAdminForm
    inlines = [ClosedPeriodInline]


class StaffCreationForm(AdminUserCreationForm):
    """Adds a person by email address; a password is needed only for the admin."""

    class Meta:
        model = Staff
        fields = ["email", "name", "library", "language"]

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        if Staff.objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(_("A person with this email address already exists."))
        return email


class StaffChangeForm(UserChangeForm):
    class Meta:
        model = Staff
        fields = "__all__"

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].strip().lower()
        others = Staff.objects.filter(email__iexact=email).exclude(pk=self.instance.pk)
        if others.exists():
            raise forms.ValidationError(_("A person with this email address already exists."))
        return email


@admin.register(Staff)
class StaffAdmin(PermissionLabels, UserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    list_display = ["email", "name", "library", "job_title", "language", "is_staff"]
    list_filter = ["library__municipality__region", "is_staff", "is_active", "language"]
    list_select_related = ["library"]
    search_fields = ["email", "name", "library__name_fi", "library__name_sv"]
    ordering = ["email"]
    autocomplete_fields = ["library"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (
            _("Personal info"),
            {"fields": ["name", "library", "job_title", "language", "interests", "language_wish"]},
        ),
        (_("Own supervisor"), {"fields": ["supervisor_name", "supervisor_email"]}),
        (
            _("Permissions"),
            {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]},
        ),
        (_("Important dates"), {"fields": ["last_login", "date_joined"]}),
    ]

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "interests":
            kwargs["widget"] = forms.CheckboxSelectMultiple
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "email",
                    "name",
                    "library",
                    "language",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
    ]

    def get_readonly_fields(self, request, obj=None):
        # Only a superuser hands out admin access; the coordinator keeps people's details.
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            fields += ["is_staff", "is_superuser", "groups", "user_permissions"]
        return fields


@admin.register(ContactDetails)
class ContactDetailsAdmin(TranslationAdmin):
    """One row: the coordinator's details on the home page. It can be edited, not deleted."""

    fields = ["name", ("title_fi", "title_sv"), ("organisation_fi", "organisation_sv")]
    fields += ["email", "phone", "website"]
    formfield_overrides = URL_FIELDS

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not ContactDetails.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        contact = ContactDetails.objects.first()
        if contact is None:
            return HttpResponseRedirect(reverse("admin:libraries_contactdetails_add"))
        return HttpResponseRedirect(
            reverse("admin:libraries_contactdetails_change", args=[contact.pk])
        )


@admin.register(LegalDetails)
class LegalDetailsAdmin(TranslationAdmin):
    """One row: the controller and the authorities named on the privacy notice and the
    accessibility statement. It can be edited, not deleted."""

    fieldsets = [
        (
            _("Controller"),
            {
                "fields": [
                    ("controller_fi", "controller_sv"),
                    ("controller_unit_fi", "controller_unit_sv"),
                    "controller_business_id",
                    ("controller_address_fi", "controller_address_sv"),
                    "controller_phone",
                ]
            },
        ),
        (_("Data protection officer"), {"fields": ["dpo_name", "dpo_email", "dpo_phone"]}),
        (
            _("Data protection authority"),
            {
                "fields": [
                    ("privacy_authority_fi", "privacy_authority_sv"),
                    ("privacy_authority_address_fi", "privacy_authority_address_sv"),
                    "privacy_authority_phone",
                    ("privacy_authority_website_fi", "privacy_authority_website_sv"),
                ]
            },
        ),
        (
            _("Accessibility supervisory authority"),
            {
                "fields": [
                    ("accessibility_authority_fi", "accessibility_authority_sv"),
                    "accessibility_authority_email",
                    "accessibility_authority_phone",
                    ("accessibility_authority_website_fi", "accessibility_authority_website_sv"),
                ]
            },
        ),
    ]
    formfield_overrides = URL_FIELDS

    def has_add_permission(self, request) -> bool:
        return super().has_add_permission(request) and not LegalDetails.objects.exists()

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def changelist_view(self, request, extra_context=None):
        details = LegalDetails.objects.first()
        if details is None:
            return HttpResponseRedirect(reverse("admin:libraries_legaldetails_add"))
        return HttpResponseRedirect(
            reverse("admin:libraries_legaldetails_change", args=[details.pk])
        )


class AnswerFilter(admin.SimpleListFilter):
    title = _("answer")
    parameter_name = "answer"
    OVERDUE, WAITING, ANSWERED = "overdue", "waiting", "answered"

    def lookups(self, request, model_admin):
        return [
            (self.OVERDUE, _("overdue: not answered within 14 days")),
            (self.WAITING, _("waiting for an answer")),
            (self.ANSWERED, _("answered")),
        ]

    def queryset(self, request, queryset):
        if self.value() == self.OVERDUE:
            return queryset.overdue()
        if self.value() == self.WAITING:
            return queryset.unanswered()
        if self.value() == self.ANSWERED:
            return queryset.filter(answered_at__isnull=False)
        return queryset


@admin.register(AccessibilityFeedback)
class AccessibilityFeedbackAdmin(admin.ModelAdmin):
    """Messages from the accessibility statement's form; the law expects an answer in 14 days."""

    list_display = ["created_at", "short_message", "page", "email", "answer_by", "answered_at"]
    list_filter = [desk.DeskFilter, AnswerFilter, "language"]
    search_fields = ["message", "page", "name", "email"]
    date_hierarchy = "created_at"
    readonly_fields = ["created_at", "language", "name", "email", "page", "message"]
    fields = ["created_at", "language", "name", "email", "page", "message"]
    fields += ["answered_at", "answer_note"]
    actions = ["mark_answered"]

    def has_add_permission(self, request) -> bool:
        return False

    @admin.display(description=_("message"))
    def short_message(self, obj: AccessibilityFeedback) -> str:
        return obj.message if len(obj.message) <= 80 else obj.message[:79] + "…"

    @admin.display(description=_("answer by"), ordering="created_at")
    def answer_by(self, obj: AccessibilityFeedback) -> str:
        due = date_format(timezone.localtime(obj.answer_due), "SHORT_DATE_FORMAT")
        if obj.is_overdue():
            return format_html('<strong class="overdue">{} ({})</strong>', due, _("overdue"))
        return due

    @admin.action(description=_("Mark as answered"), permissions=["change"])
    def mark_answered(self, request, queryset):
        count = queryset.unanswered().update(answered_at=timezone.now())
        self.message_user(
            request,
            ngettext(
                "Marked %(count)s message as answered.",
                "Marked %(count)s messages as answered.",
                count,
            )
            % {"count": count},
        )


# A message is near its deadline this many days before the two weeks are up.
ANSWER_SOON = timedelta(days=3)

desk.add(
    AccessibilityFeedbackAdmin,
    AccessibilityFeedback,
    section=_("Libraries and people"),
    place=30,
    rows={
        "accessibility": (
            _("accessibility feedback near or past its 14 days without an answer"),
            lambda rows, now: rows.overdue(now + ANSWER_SOON),
        )
    },
)
