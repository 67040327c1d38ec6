"""What Django's sessions and the admin's sign-in lockout hold: addresses and IP numbers,
needed only for a while."""

from axes.models import AccessAttempt
from django.conf import settings
from django.contrib.sessions.models import Session

from web.personal_data import PersonalData


class SignIns(PersonalData):
    def expired(self, now, cutoff) -> dict:
        return {
            "sessions": Session.objects.filter(expire_date__lt=now),
            # Failed admin sign-ins are needed only while they can lock someone out.
            "failed_admin_sign_ins": AccessAttempt.objects.filter(
                attempt_time__lt=now - settings.AXES_COOLOFF_TIME
            ),
        }
