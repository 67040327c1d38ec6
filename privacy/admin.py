"""The admin's personal data page: what Kollega holds about one person, exported or erased.

The people list gets two actions leading there: this app composes the admin of the
directory's accounts, so that the directory knows nothing of the privacy pages.
"""

import json

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin.models import CHANGE, LogEntry
from django.core.exceptions import PermissionDenied
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from libraries.admin import StaffAdmin
from libraries.models import Staff
from web.admin_site import WrittenByKollega

from . import requests
from .models import PersonalData


class PersonLookupForm(forms.Form):
    email = forms.EmailField(label=_("Email address"), max_length=254)


class ErasureForm(PersonLookupForm):
    email = forms.EmailField(widget=forms.HiddenInput, max_length=254)
    confirm = forms.BooleanField(
        label=_("I have checked the request, and this person's data is to be erased."),
        error_messages={"required": _("Tick the box to confirm the erasure.")},
    )


def export_response(email: str) -> HttpResponse:
    data = requests.export(email)
    response = HttpResponse(
        json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
    response["Content-Disposition"] = 'attachment; filename="kollega-personal-data.json"'
    return response


def page_url(email: str = "") -> str:
    url = reverse("admin:privacy_personaldata_changelist")
    return f"{url}?{urlencode({'email': email})}" if email else url


@admin.register(PersonalData)
class PersonalDataAdmin(WrittenByKollega, admin.ModelAdmin):
    """The page stands in for the list of this proxy model: look up, export, erase."""

    def has_erase_permission(self, request) -> bool:
        return request.user.has_perm("privacy.erase_personaldata")

    def get_urls(self):
        return [
            path(
                "export/",
                self.admin_site.admin_view(self.export_view),
                name="privacy_personaldata_export",
            ),
            path(
                "erase/",
                self.admin_site.admin_view(self.erase_view),
                name="privacy_personaldata_erase",
            ),
            # Only the page: no per-person change, history or delete pages of the accounts.
            path(
                "",
                self.admin_site.admin_view(self.changelist_view),
                name="privacy_personaldata_changelist",
            ),
        ]

    def _context(self, request, **extra) -> dict:
        return {
            **self.admin_site.each_context(request),
            "title": gettext("Personal data"),
            "opts": self.model._meta,
            "retention_months": settings.PERSONAL_DATA_RETENTION_MONTHS,
            **extra,
        }

    def changelist_view(self, request, extra_context=None):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PersonLookupForm(request.GET or None)
        context = {"form": form}
        if form.is_valid():
            email = form.cleaned_data["email"].lower()
            summary = _summary(requests.export(email))
            context.update(
                email=email,
                summary=summary,
                found=any(count for _label, count in summary),
                obstacles=requests.erasure_obstacles(email),
                erasure_form=ErasureForm(initial={"email": email}),
                can_erase=self.has_erase_permission(request),
            )
        return TemplateResponse(
            request, "privacy/admin/personal_data.html", self._context(request, **context)
        )

    def export_view(self, request):
        if not self.has_view_permission(request):
            raise PermissionDenied
        form = PersonLookupForm(request.GET)
        if not form.is_valid():
            return redirect(page_url())
        return export_response(form.cleaned_data["email"])

    def erase_view(self, request):
        if not self.has_erase_permission(request):
            raise PermissionDenied
        if request.method != "POST":
            return redirect(page_url(request.GET.get("email", "")[:254]))
        form = ErasureForm(request.POST)
        if not form.is_valid():
            email = request.POST.get("email", "")[:254]
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, error)
            return redirect(page_url(email))
        email = form.cleaned_data["email"].lower()
        person = Staff.objects.filter(email__iexact=email).first()
        try:
            result = requests.erase(email)
        except requests.ErasureRefused as refusal:
            messages.error(request, str(refusal))
            return redirect(page_url(email))
        if person is not None:
            LogEntry.objects.log_actions(
                user_id=request.user.pk,
                queryset=[Staff.objects.get(pk=person.pk)],
                action_flag=CHANGE,
                change_message=gettext("Personal data erased on request."),
                single_object=True,
            )
        messages.success(
            request,
            gettext(
                "Personal data erased: %(exchanges)d own visits anonymised, mentions removed "
                "from %(mentions)d other visits."
            )
            % {"exchanges": result.exchanges, "mentions": result.mentions},
        )
        return redirect(page_url())


def _summary(data: dict) -> list[tuple[str, int]]:
    exchanges = data["exchanges"]
    own = sum(1 for item in exchanges if "visitor" in item["roles"])
    return [
        (gettext("Account"), 1 if data["account"] else 0),
        (gettext("Own visits"), own),
        (gettext("Other people's visits that name the person"), len(exchanges) - own),
        (gettext("Emails sent to the person"), len(data["emails_sent"])),
        (gettext("Named as supervisor in profiles"), len(data["named_as_supervisor_by"])),
        (gettext("Exchange contact of libraries"), len(data["library_contact_of"])),
        (gettext("Sign-in links"), len(data["sign_in_links"])),
        (gettext("Accessibility feedback"), len(data["accessibility_feedback"])),
    ]


admin.site.unregister(Staff)


@admin.register(Staff)
class StaffWithPersonalDataAdmin(StaffAdmin):
    """The people list, with one person's data to export, or to look at before erasing."""

    actions = ["export_personal_data", "personal_data"]

    def has_personal_data_permission(self, request) -> bool:
        return request.user.has_perm("privacy.view_personaldata")

    def _one_person(self, request, queryset) -> Staff | None:
        people = list(queryset[:2])
        if len(people) != 1:
            self.message_user(request, _("Choose one person."), level=messages.WARNING)
            return None
        return people[0]

    @admin.action(
        description=_("Export everything about the person (JSON)"), permissions=["personal_data"]
    )
    def export_personal_data(self, request, queryset):
        person = self._one_person(request, queryset)
        return export_response(person.email) if person else None

    @admin.action(
        description=_("Show personal data for export or erasure"), permissions=["personal_data"]
    )
    def personal_data(self, request, queryset):
        """One person: their page of personal data, to download as JSON or to erase."""
        person = self._one_person(request, queryset)
        if person is None:
            return None
        return HttpResponseRedirect(page_url(person.email))
