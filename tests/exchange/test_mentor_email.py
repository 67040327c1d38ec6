"""The workplace mentor's confirmation tells her who named her and what is asked of her, in
her own language, and does not read her own contact details back to her."""

import pytest

from tests import personas
from tests.exchange import support

pytestmark = pytest.mark.django_db

WORDS = {
    "fi": {
        "named": "Sara Sund (Mustasaaren pääkirjasto) on nimennyt sinut työpaikkaohjaajaksi: "
        "Alice Aalto vierailee kirjastossanne",
        "asked": "Työpaikkaohjaajana otat vierailijan vastaan ensimmäisenä päivänä",
        "cannot": "Jos et voi toimia työpaikkaohjaajana, kerro siitä pian: Sara Sund "
        "(sara.sund@korsholm.fi).",
        "mentor_row": "Työpaikkaohjaaja:",
    },
    "sv": {
        "named": "Sara Sund på Korsholms huvudbibliotek har utsett dig till "
        "arbetsplatshandledare för Alice Aalto, som besöker ert bibliotek",
        "asked": "Som handledare tar du emot besökaren den första dagen",
        "cannot": "Om du inte kan vara handledare, meddela Sara Sund (sara.sund@korsholm.fi) "
        "så snart som möjligt.",
        "mentor_row": "Arbetsplatshandledare:",
    },
}


def _flat(text: str) -> str:
    return " ".join(text.split())


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_mentor_hears_who_named_her_and_what_is_asked(alice, host, language):
    support.confirmed_visit(alice, host, mentor=personas.mentor(language=language))

    message = support.email_to(personas.MENTOR.email, "confirmed")

    words = WORDS[language]
    for part in (message.body_text, message.body_html):
        text = _flat(part)
        assert words["named"] in text
        assert words["asked"] in text
        assert words["cannot"] in text
        # Her own name, address and phone are not read back to her as the visit's mentor.
        assert words["mentor_row"] not in text
        assert "040 123 4567" not in text


def test_the_visitor_still_gets_the_mentors_contact_details(alice, host):
    support.confirmed_visit(alice, host)

    message = support.email_to(alice.email, "confirmed")

    assert "Työpaikkaohjaaja: Maja Mentor, maja.mentor@korsholm.fi, 040 123 4567" in (
        message.body_text
    )
