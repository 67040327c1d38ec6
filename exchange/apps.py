from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = _("Exchanges")

    def ready(self) -> None:
        from web import personal_data

        from .personal_data import Exchanges

        personal_data.register(Exchanges())

        from django.urls import reverse

        from libraries import signin

        from .models import ExchangeRequest

        def my_exchanges(person) -> str | None:
            if ExchangeRequest.objects.filter(visitor=person).exists():
                return reverse("exchange:my-exchanges")
            return None

        # A visitor with exchanges lands on them after signing in.
        signin.provide_landing_page(my_exchanges)
        signin.provide_reason("exchange:my-exchanges", _("To see your exchanges, sign in."))
        signin.provide_reason("exchange:request-create", _("To make an exchange request, sign in."))
        for name in ["exchange:request-detail", "exchange:request-edit", "exchange:request-cancel"]:
            signin.provide_reason(name, _("To see your exchange request, sign in."))

        from mail import outbox

        from . import emails

        # The worker that sends an exchange's messages draws them (mail.outbox.draw).
        outbox.provide_drawer("exchange.ExchangeRequest", emails.draw)

        from mail.kinds import name_kinds

        name_kinds(
            {
                "decision_request": _("decision request"),
                "submitted": _("request sent"),
                "approved_home": _("approved by own supervisor"),
                "declined": _("declined"),
                "dates_proposed": _("other dates proposed"),
                "awaiting_mentor": _("approved, workplace mentor to be named"),
                "confirmed": _("visit confirmed"),
                "cancelled": _("cancelled or withdrawn"),
                "dates_changed": _("dates changed"),
                "decision_reminder": _("reminder to decide"),
                "mentor_reminder": _("reminder to name the workplace mentor"),
                "arrangements_changed": _("first day's arrangements changed"),
                "request_stalled": _("request stalled"),
                "visit_near": _("practicalities before the visit"),
                "feedback_request": _("request for feedback"),
                "feedback_reminder": _("reminder of feedback"),
            }
        )

        from libraries import availability

        from .hosting import count_visitors

        availability.count_visitors_with(count_visitors)

        from libraries import public_pages

        public_pages.watch_visits("exchange.ExchangeRequest")
