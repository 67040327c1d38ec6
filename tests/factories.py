from datetime import timedelta

import factory
import holidays
from django.utils import timezone
from factory.django import DjangoModelFactory

from libraries.models import FocusArea, Library, Municipality, Network, Region, Staff


class RegionFactory(DjangoModelFactory):
    class Meta:
        model = Region
        django_get_or_create = ("slug",)

    name_fi = "Pohjanmaa"
    name_sv = "Österbotten"
    slug = "pohjanmaa"


class MunicipalityFactory(DjangoModelFactory):
    class Meta:
        model = Municipality

    name_fi = factory.Sequence(lambda n: f"Kunta {n}")
    name_sv = factory.Sequence(lambda n: f"Kommun {n}")
    slug = factory.Sequence(lambda n: f"kunta-{n}")
    region = factory.SubFactory(RegionFactory)
    language_status = Municipality.LanguageStatus.FINNISH


class NetworkFactory(DjangoModelFactory):
    class Meta:
        model = Network
        django_get_or_create = ("slug",)

    name = "Eepos"
    slug = "eepos"


class FocusAreaFactory(DjangoModelFactory):
    class Meta:
        model = FocusArea
        django_get_or_create = ("slug",)

    name_fi = "Lasten ja nuorten palvelut"
    name_sv = "Tjänster för barn och unga"
    slug = "children-and-youth"


class LibraryFactory(DjangoModelFactory):
    class Meta:
        model = Library

    name_fi = factory.Sequence(lambda n: f"Kirjasto {n}")
    name_sv = factory.Sequence(lambda n: f"Bibliotek {n}")
    slug = factory.Sequence(lambda n: f"kirjasto-{n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    kind = Library.Kind.MAIN
    street = "Kirjastonkatu 1"
    postal_code = "65100"
    city = "Vaasa"
    email_domains = factory.Sequence(lambda n: f"kunta{n}.fi")
    contact_name = "Hanna Host"
    contact_email = factory.LazyAttribute(lambda o: f"host@{o.email_domains.split(';')[0]}")
    contact_language = "fi"
    accepts_visitors = True


class StaffFactory(DjangoModelFactory):
    class Meta:
        model = Staff
        django_get_or_create = ("email",)

    name = factory.Sequence(lambda n: f"Liisa Lukija {n}")
    library = factory.SubFactory(LibraryFactory)
    email = factory.LazyAttributeSequence(
        lambda o, n: f"librarian{n}@{o.library.domain_list[0] if o.library else 'example.fi'}"
    )
    job_title = "kirjastovirkailija"
    language = "fi"
    supervisor_name = "Eeva Esihenkilö"
    supervisor_email = factory.LazyAttribute(
        lambda o: f"boss@{o.library.domain_list[0]}" if o.library else ""
    )


def _next_weekday(days_ahead: int):
    """A Monday–Thursday at least `days_ahead` days from today on which a two-day visit
    meets no Finnish public holiday: a host takes no visitors then."""
    day = timezone.localdate() + timedelta(days=days_ahead)
    while day.weekday() >= 4 or {day, day + timedelta(days=1)} & FINNISH_HOLIDAYS:
        day += timedelta(days=1)
    return day


FINNISH_HOLIDAYS = set(holidays.country_holidays("FI", years=range(2024, 2041)))


class ExchangeRequestFactory(DjangoModelFactory):
    """A draft request of a visitor to another library, three weeks ahead, two days long."""

    class Meta:
        model = "exchange.ExchangeRequest"

    visitor = factory.SubFactory(StaffFactory)
    home_library = factory.LazyAttribute(lambda o: o.visitor.library)
    host_library = factory.SubFactory(LibraryFactory)
    first_day = factory.LazyFunction(lambda: _next_weekday(21))
    last_day = factory.LazyAttribute(lambda o: o.first_day + timedelta(days=1))
    expectations = "Haluan nähdä, miten lastenosasto järjestää satutunnit."
    cover_arrangements = "Kollega hoitaa asiakaspalveluvuoroni."
    travel_car_km = 120
    accommodation_nights = 1
    accommodation_eur = "89.00"


class ApprovalFactory(DjangoModelFactory):
    class Meta:
        model = "exchange.Approval"

    exchange = factory.SubFactory(ExchangeRequestFactory)
    role = "home"
    name = "Eeva Esihenkilö"
    email = factory.LazyAttribute(lambda o: o.exchange.visitor.supervisor_email)
    language = "fi"


class VisitorFeedbackFactory(DjangoModelFactory):
    """The visitor's feedback on a closed visit, with a story they allow to be published."""

    class Meta:
        model = "feedback.VisitorFeedback"

    exchange = factory.SubFactory(ExchangeRequestFactory, state="closed")
    rating = 4
    learned = "Satutuntien rakenteen ja kirjastoauton reittisuunnittelun."
    take_home = "Kokeilemme kaksikielisiä satutunteja."
    would_recommend = True
    story_consent = "named"
    story = "Vierailu avasi silmäni: kirjastoauto on kylän olohuone."
    story_language = "fi"


class ExpenseClaimFactory(DjangoModelFactory):
    class Meta:
        model = "feedback.ExpenseClaim"

    exchange = factory.SubFactory(ExchangeRequestFactory, state="closed")
    claimant = factory.LazyAttribute(lambda o: o.exchange.visitor)
    car_km = 120
    km_rate = "0.55"
    accommodation_nights = 1
    accommodation_eur = "89.00"
