"""The words Kollega's pages use in Finnish and Swedish: one term per idea, as the project's
glossary has it, and no label left standing with nothing after it."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings

from tests import pages
from tests.exchange import support

# Words a native reader stumbles on, each with what the glossary uses instead.
NOT_USED = {
    "fi": {
        "kululask": "matkalasku (beside the Swedish reseräkning)",
        "Mitä tahansa": "Kaikki osaamisalueet",
        "Vierailu on nyt päätetty": "päättynyt: päätetty means decided",
    },
    "sv": {
        "avbok": "återkalla (a request) or ställa in (a visit): nothing was booked",
        "RUU": "det regionala utvecklingsuppdraget, written out",
        "hemarbetsgivar": "not a word: Utbytet räknas som",
        "passar inte mig": "passar mig inte",
        "Kolla din e-post": "Kontrollera din e-post",
        "Vad som helst": "Alla kompetensområden",
        "besök hos": "besök på",
    },
}


def _translations(language: str) -> list[str]:
    path = Path(settings.LOCALE_PATHS[0], language, "LC_MESSAGES", "django.mo")
    with path.open("rb") as f:
        catalog = gettext.GNUTranslations(f)._catalog
    return [text for key, text in catalog.items() if key]


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_catalogues_use_the_glossarys_terms(language):
    texts = _translations(language)
    assert len(texts) > 1000
    for word, instead in NOT_USED[language].items():
        found = [text for text in texts if word in text]
        assert not found, f"{word!r} in {found[:3]}: use {instead}"


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_quotations_open_and_close_with_the_same_mark(language):
    """Finnish and Swedish quote ”thus”, never “thus” or „thus”."""
    found = [text for text in _translations(language) if "“" in text or "„" in text]
    assert not found, found[:3]


def test_a_swedish_state_name_stands_as_a_label():
    """The state names agree with no noun (bekräftat, avslaget, godkänd): after "är" or
    "blev" they read as wrongly inflected, "ansökan är nu ”bekräftat”", so a status is
    named: "ansökan har nu status ”bekräftat”", "ansökans status blev ”inställt”"."""
    found = [
        text
        for text in _translations("sv")
        if re.search(r"(?<!status )\b(är|blev)( nu)? ”%\(state\)s”", text)
    ]
    assert not found, found


@pytest.mark.parametrize("language", ["fi", "sv"])
def test_the_trip_type_has_one_label_in_each_language(language):
    label = {"fi": "Vaihdon muoto", "sv": "Utbytet räknas som"}[language]
    texts = _translations(language)
    assert label in texts
    assert label[:1].lower() + label[1:] in texts


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "said"), [("fi", "Majoitus: ei tarvita"), ("sv", "Logi: behövs inte")]
)
def test_a_request_without_accommodation_says_so_instead_of_zero_nights(
    client, visitor, host, language, said
):
    exchange = support.draft(visitor, host, accommodation_nights=0, accommodation_eur=None)

    text = pages.text(client.get(pages.url("exchange:request-detail", language, pk=exchange.pk)))

    assert said in text
    assert "0 yötä" not in text and "0 nätter" not in text


@pytest.mark.parametrize(
    ("language", "task"), [("fi", "kehittämistehtäv"), ("sv", "utvecklingsuppdrag")]
)
def test_the_demo_coordinators_organisation_reads_well_in_the_emails_footer(language, task):
    """The footer says "…the regional development task, which <organisation> runs": naming the
    task again in the organisation reads as a stutter, and an abbreviation means nothing."""
    from libraries.management.commands.load_demo import COORDINATOR

    organisation = COORDINATOR[f"organisation_{language}"]
    assert task not in organisation
    assert "(" not in organisation
    for word in NOT_USED[language]:
        assert word not in organisation
