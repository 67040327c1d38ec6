"""The security and framework apps under names a coordinator reads: their own names are English
words or code ("Axes", "Otp_Totp") and their fields are named for programmers.

Each config names its app and, once its models are loaded, the models and fields the admin
shows, through Kollega's catalogues. settings.INSTALLED_APPS lists these configs in place of
the apps' own. Only what is shown changes: a field's verbose name as shown is not the one its
migrations record (Field._verbose_name), and a help text keeps its English original as the
message id, so the migrations see the fields as they were.
"""

from axes.apps import AppConfig as AxesAppConfig
from django.apps import apps
from django.contrib.auth.apps import AuthConfig
from django.contrib.sessions.apps import SessionsConfig
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPConfig

# What django-axes names through gettext itself, translated in Kollega's catalogues.
AXES_WORDS = [
    gettext_noop("access attempt"),
    gettext_noop("access attempts"),
    gettext_noop("access failure"),
    gettext_noop("access failures"),
    gettext_noop("access log"),
    gettext_noop("access logs"),
    gettext_noop("access attempt expiration"),
    gettext_noop("access attempt expirations"),
    gettext_noop("Access Attempt"),
    gettext_noop("Access lock out"),
    gettext_noop("Attempt Time"),
    gettext_noop("Failed Logins"),
    gettext_noop("GET Data"),
    gettext_noop("POST Data"),
    gettext_noop("HTTP Accept"),
    gettext_noop("IP Address"),
    gettext_noop("Path"),
    gettext_noop("User Agent"),
    gettext_noop("Username"),
    gettext_noop("Logout Time"),
    gettext_noop("Session key hash (sha256)"),
    gettext_noop("Form Data"),
    gettext_noop("Meta Data"),
    gettext_noop("Locked Out"),
    gettext_noop("Clean up expired attempts"),
    gettext_noop("Not set"),
    gettext_noop("Attempt Remaining"),
]


def _rename(label: str, model: str, names: tuple, fields: dict) -> None:
    """Name a model (singular, plural) and its fields (name: (verbose name, help text))."""
    meta = apps.get_model(label, model)._meta
    meta.verbose_name, meta.verbose_name_plural = names
    for field_name, (verbose_name, help_text) in fields.items():
        field = meta.get_field(field_name)
        field.verbose_name = verbose_name
        if help_text is not None:
            field.help_text = help_text


def _device_fields() -> dict:
    """The fields every django-otp device has."""
    return {
        "user": (_("person"), _("The user that this device belongs to.")),
        "name": (_("name"), _("The human-readable name of this device.")),
        "confirmed": (_("in use"), _("Is this device ready for use?")),
        "created_at": (
            _("added"),
            _("The date and time when this device was initially created in the system."),
        ),
        "last_used_at": (_("last used"), _("The most recent date and time this device was used.")),
        "throttling_failure_count": (
            _("wrong codes in a row"),
            _("Number of successive failed attempts."),
        ),
        "throttling_failure_timestamp": (
            _("last wrong code"),
            _(
                "A timestamp of the last failed verification attempt. Null if last attempt"
                " succeeded."
            ),
        ),
    }


class AccessRightsConfig(AuthConfig):
    verbose_name = _("Access rights")


class SignInSessionsConfig(SessionsConfig):
    verbose_name = _("Sign-in sessions")


class LockoutsConfig(AxesAppConfig):
    verbose_name = _("Sign-in lockouts")


class AuthenticatorAppsConfig(TOTPConfig):
    verbose_name = _("Authenticator apps")

    def ready(self) -> None:
        super().ready()
        _rename(
            "otp_totp",
            "TOTPDevice",
            (_("authenticator app"), _("authenticator apps")),
            {
                **_device_fields(),
                "key": (_("secret key"), _("A hex-encoded secret key of up to 40 bytes.")),
                "step": (_("code interval, seconds"), _("The time step in seconds.")),
                "t0": (_("start time"), _("The Unix time at which to begin counting steps.")),
                "digits": (_("digits"), _("The number of digits to expect in a token.")),
                "tolerance": (
                    _("tolerance"),
                    _("The number of time steps in the past or future to allow."),
                ),
                "drift": (
                    _("clock difference"),
                    _("The number of time steps the prover is known to deviate from our clock."),
                ),
                "last_t": (
                    _("last code"),
                    _(
                        "The t value of the latest verified token. The next token must be at "
                        "a higher time step."
                    ),
                ),
            },
        )


class BackupCodesConfig(StaticConfig):
    verbose_name = _("Backup codes")

    def ready(self) -> None:
        super().ready()
        _rename(
            "otp_static",
            "StaticDevice",
            (_("backup code list"), _("backup code lists")),
            _device_fields(),
        )
        _rename(
            "otp_static",
            "StaticToken",
            (_("backup code"), _("backup codes")),
            {"device": (_("backup code list"), None), "token": (_("code"), None)},
        )
