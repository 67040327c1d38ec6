"""The admin pages of django-otp's devices in the coordinator's words: the apps' own admins
title their field groups and links in English."""

from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin
from django.contrib.auth.models import Group, Permission
from django.urls import reverse
from django.utils.html import format_html
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.admin import StaticDeviceAdmin, StaticTokenInline
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.admin import TOTPDeviceAdmin
from django_otp.plugins.otp_totp.models import TOTPDevice

IDENTITY = _("Device")
# What a permission lets do, by the start of its code name; Django stores permissions' names in
# English ("Can add library"), so the admin's lists of them are named here.
ACTIONS = {"add": _("add"), "change": _("change"), "delete": _("delete"), "view": _("view")}


def permission_label(permission: Permission) -> str:
    """A permission as "Libraries: add", in the page's language."""
    model = permission.content_type.model_class()
    action = ACTIONS.get(permission.codename.split("_", 1)[0])
    if model is None or action is None:
        return permission.name
    return f"{capfirst(model._meta.verbose_name_plural)}: {action}"


class PermissionLabels:
    """For an admin whose form chooses permissions (groups, people): each named in words."""

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if field is not None and db_field.related_model is Permission:
            field.label_from_instance = permission_label
        return field


class AccessRightsGroupAdmin(PermissionLabels, GroupAdmin):
    pass


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
        (Group, AccessRightsGroupAdmin),
        (TOTPDevice, AuthenticatorAppAdmin),
        (StaticDevice, BackupCodeListAdmin),
    ]:
        if site.is_registered(model):
            site.unregister(model)
        site.register(model, model_admin)
