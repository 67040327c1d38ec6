"""The parts every page shares (header and footer links) are drawn once per process and
language: each language keeps its own."""

import pytest
from django.urls import reverse
from django.utils import translation

pytestmark = pytest.mark.django_db


def links(client, language: str) -> str:
    with translation.override(language):
        path = reverse("libraries:directory")
    response = client.get(path)
    assert response.status_code == 200
    return response.content.decode()


def test_each_language_keeps_its_own_header_and_footer(client):
    for _round in range(2):
        finnish, swedish = links(client, "fi"), links(client, "sv")

        assert 'href="/fi/kirjastot/"' in finnish
        assert "Tietosuojaseloste" in finnish
        assert 'href="/sv/bibliotek/"' in swedish
        assert "Dataskyddsbeskrivning" in swedish
        assert "Tietosuojaseloste" not in swedish
        assert 'href="/fi/kirjastot/"' not in swedish
