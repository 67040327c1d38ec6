from django.apps import AppConfig
from django.db.models.signals import m2m_changed
from django.utils.translation import gettext_lazy as _

# What the public pages show (libraries/public_pages.py).
PUBLIC_CONTENT = [
    "libraries.Region",
    "libraries.Municipality",
    "libraries.Network",
    "libraries.FocusArea",
    "libraries.Library",
    "libraries.ClosedPeriod",
    "libraries.ContactDetails",
]


class LibrariesConfig(AppConfig):
    name = "libraries"
    verbose_name = _("Libraries and people")

    def ready(self) -> None:
        from web import personal_data

        from .personal_data import Directory

        personal_data.register(Directory())

        from mail.kinds import name_kinds

        name_kinds(
            {
                "sign_in": _("sign-in link"),
                "accessibility_feedback": _("accessibility feedback"),
            }
        )

        from mail import outbox

        from .emails import frame, reply_to

        outbox.provide_frame(frame)
        outbox.provide_reply_to(reply_to)

        from . import public_pages
        from .models import Library

        for model in PUBLIC_CONTENT:
            public_pages.watch(model)
        m2m_changed.connect(
            public_pages.content_changed,
            sender=Library.focus_areas.through,
            dispatch_uid="public-pages:library-focus-areas",
        )
