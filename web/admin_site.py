"""The coordinator's admin site: always a password, and two-factor sign-in (TOTP) when
settings.OTP_ADMIN is on."""

from django.conf import settings
from django.contrib.admin import AdminSite
from django.contrib.admin.forms import AdminAuthenticationForm
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django_otp.admin import OTPAdminAuthenticationForm, OTPAdminSite

from . import desk
from .backends import signed_in_with_password


class WrittenByKollega:
    """For a model admin whose rows only Kollega writes: records, or a page standing in for
    a list. Nobody adds, changes or deletes them by hand."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ShownOnly:
    """For an inline shown on its parent's page, read only: nothing is added or changed there."""

    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class AdminSignInForm(OTPAdminAuthenticationForm):
    """Email, password and the one-time code, with the code's errors in the page's language."""

    otp_error_messages = {
        **OTPAdminAuthenticationForm.otp_error_messages,
        "token_required": _("Enter the one-time code from your authenticator app."),
        "invalid_token": _("The one-time code is not right. Check it and try again."),
        "n_failed_attempts": ngettext_lazy(
            "Checking codes is paused after %(failure_count)d wrong code. Try again in a moment.",
            "Checking codes is paused after %(failure_count)d wrong codes. Try again in a moment.",
            "failure_count",
        ),
        "verification_not_allowed": _("Codes cannot be checked right now. Try again in a moment."),
        "device_required": _("Choose the device that shows your code."),
    }


# The index in the order of the coordinator's work: exchanges, what comes after the visits,
# libraries and people, then the messages sent, personal data, and settings and security.
# Apps and models not listed follow in Django's order.
ORDER = [
    "exchange.ExchangeRequest",
    "feedback.ExpenseClaim",
    "feedback.VisitorFeedback",
    "feedback.HostFeedback",
    "feedback.YearStatistics",
    "feedback.YearSettings",
    "libraries.Library",
    "libraries.Staff",
    "libraries.AccessibilityFeedback",
    "libraries.FocusArea",
    "libraries.Network",
    "libraries.Municipality",
    "libraries.Region",
    "libraries.ContactDetails",
    "libraries.LegalDetails",
    "mail.Notification",
    "privacy.PersonalData",
    "auth.Group",
    "otp_totp.TOTPDevice",
    "otp_static.StaticDevice",
    "axes.AccessAttempt",
    "axes.AccessFailureLog",
    "axes.AccessLog",
]


def _place(label: str) -> tuple[int, str]:
    places = [i for i, name in enumerate(ORDER) if name == label or name.startswith(f"{label}.")]
    return (places[0] if places else len(ORDER), label)


class KollegaAdminSite(OTPAdminSite):
    """Django's admin, asking for a one-time code from the coordinator's device in production.

    Read per request, so that OTP_ADMIN can be changed without rebuilding the site; with it
    off (the embedded default while DEBUG is on) the admin signs in with a password alone.
    Either way a session signed in by an emailed link is asked for the password: a link
    sent to a staff member's mailbox never opens the admin.
    """

    def __init__(self, name: str = "admin") -> None:
        super().__init__(name)

    @property
    def login_form(self):
        return AdminSignInForm if settings.OTP_ADMIN else AdminAuthenticationForm

    login_template = "admin/sign_in.html"

    index_template = "admin/desk.html"
    # The lists get the page's width: at 1280 px the sidebar of every model left the exchange
    # list too narrow for its dates and states. The breadcrumbs lead back to the desk.
    enable_nav_sidebar = False

    def index(self, request, extra_context=None):
        """The front page: what needs action today above the lists."""
        return super().index(request, {"desk": desk.desk(request), **(extra_context or {})})

    def get_app_list(self, request, app_label=None):
        app_list = sorted(
            self._build_app_dict(request, app_label).values(),
            key=lambda app: _place(app["app_label"]),
        )
        for app in app_list:
            app["models"].sort(
                key=lambda model: _place(f"{app['app_label']}.{model['object_name']}")
            )
        return app_list

    def has_permission(self, request) -> bool:
        if not signed_in_with_password(request):
            return False
        if settings.OTP_ADMIN:
            return super().has_permission(request)
        return AdminSite.has_permission(self, request)
