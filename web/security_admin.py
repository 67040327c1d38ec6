"""The admin pages of django-otp's devices in the coordinator's words: the apps' own admins
title their field groups and links in English."""

from django.contrib import admin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin, StaticTokenInline
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

IDENTITY = _("Device")
TIMES = _("Use")


class AuthenticatorAppAdmin(TOTPDeviceAdmin):
    def get_fieldsets(self, request, obj=None):
        titles = {
            "Identity": IDENTITY,
            "Timestamps": TIMES,
            "Configuration": _("Codes"),
            "State": _("Clock"),
            "Throttling": _("Wrong codes"),
        }
        return [
            (titles.get(title, title), options)
            for title, options in super().get_fieldsets(request, obj)
        ]

    @admin.display(description=_("QR code"))
    def qrcode_link(self, device):
        href = reverse("admin:otp_totp_totpdevice_config", kwargs={"pk": device.pk})
        return format_html('<a href="{}">{}</a>', href, _("Show the QR code"))


class BackupCodeInline(StaticTokenInline):
    verbose_name = _("backup code")
    verbose_name_plural = _("backup codes")


class BackupCodeListAdmin(StaticDeviceAdmin):
    fieldsets = [
        (IDENTITY, {"fields": ["user", "name", "confirmed"]}),
        (TIMES, {"fields": ["created_at", "last_used_at"]}),
    ]
    inlines = [BackupCodeInline]


def register(site: admin.AdminSite) -> None:
    """Put these admins in place of django-otp's own (called once every admin is registered)."""
    for model, model_admin in [
        (TOTPDevice, AuthenticatorAppAdmin),
        (StaticDevice, BackupCodeListAdmin),
    ]:
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)
