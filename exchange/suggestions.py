"""Suggested hosts for a librarian: which libraries to visit, ranked, each with its reasons.

Every library that takes visitors, other than the librarian's own, gets points:

- 3 for each focus area it offers that is among the librarian's interests;
- for a wish to practise the other national language: 4 where that language is the
  municipality's majority language, 2 where the municipality is bilingual the other way;
- 2 within 50 km of the librarian's own library (the same municipality included), 1 within
  100 km;
- 2 when no one from the librarian's library has visited it (a visit confirmed, completed or
  closed): new pairs of libraries spread the programme;
- 2 with at least 20 days free for a visitor in the next three months (its closed periods,
  hosting weekdays, public holidays and the visitors already counted against its capacity,
  as its month view shows them), 1 with fewer; a library with no free day in that time is
  not suggested, since it cannot be asked.

The most points come first; equal points are ordered by the library's name in the page's
language, then by its id, so the same data always gives the same order.
"""

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import get_language, gettext, ngettext, pgettext

from libraries import availability, distance
from libraries.distance import Distance
from libraries.models import ClosedPeriod, FocusArea, Language, Library, Municipality, Staff

from .hosting import count_visitors
from .models import TAKEN_PLACE_STATES, ExchangeRequest, State

POINTS_PER_INTEREST = 3
POINTS_LANGUAGE_MAJORITY = 4
POINTS_LANGUAGE_BILINGUAL = 2
POINTS_NEAR = 2  # within NEAR_KM
POINTS_WITHIN_REACH = 1  # within REACH_KM
NEAR_KM = 50
REACH_KM = 100
POINTS_NOVEL = 2
POINTS_MANY_FREE_DAYS = 2  # at least MANY_FREE_DAYS
POINTS_SOME_FREE_DAYS = 1
MANY_FREE_DAYS = 20
# The days looked at: from tomorrow, about the three months the month view shows.
DAYS_AHEAD = 91
# A visit that is going ahead or has taken place counts as "someone has visited".
VISITED_STATES = [State.CONFIRMED, *TAKEN_PLACE_STATES]
SHOWN = 10

Status = Municipality.LanguageStatus
# The municipalities whose majority speaks the wished language, and those bilingual the
# other way round, for each language one may wish to practise.
MAJORITY = {
    Language.SWEDISH: {Status.BILINGUAL_SWEDISH},
    Language.FINNISH: {Status.FINNISH, Status.BILINGUAL_FINNISH},
}
BILINGUAL = {
    Language.SWEDISH: {Status.BILINGUAL_FINNISH},
    Language.FINNISH: {Status.BILINGUAL_SWEDISH},
}


def _language_word(status: str) -> str:
    if status == Status.BILINGUAL_SWEDISH:
        return pgettext("a library", "Swedish-speaking")
    if status == Status.BILINGUAL_FINNISH:
        return pgettext("a library", "bilingual")
    return pgettext("a library", "Finnish-speaking")


@dataclass
class Suggestion:
    library: Library
    shared: list[FocusArea] = field(default_factory=list)
    language_points: int = 0
    distance: Distance | None = None
    novel: bool = False
    free_days: int = 0

    @property
    def points(self) -> int:
        points = POINTS_PER_INTEREST * len(self.shared) + self.language_points
        if self.distance is not None:
            if self.distance.same_municipality or self.distance.km <= NEAR_KM:
                points += POINTS_NEAR
            elif self.distance.km <= REACH_KM:
                points += POINTS_WITHIN_REACH
        if self.novel:
            points += POINTS_NOVEL
        if self.free_days >= MANY_FREE_DAYS:
            points += POINTS_MANY_FREE_DAYS
        elif self.free_days:
            points += POINTS_SOME_FREE_DAYS
        return points

    @property
    def reasons(self) -> list[str]:
        """Why this library, in words, most weighty first."""
        reasons = []
        if self.shared:
            count = len(self.shared)
            reasons.append(
                ngettext("%(count)s of your interests", "%(count)s of your interests", count)
                % {"count": count}
            )
        if self.language_points:
            reasons.append(_language_word(self.library.municipality.language_status))
        if self.distance is not None:
            reasons.append(self.distance.short)
        reasons.append(
            ngettext(
                "%(count)s free day in the next three months",
                "%(count)s free days in the next three months",
                self.free_days,
            )
            % {"count": self.free_days}
        )
        if self.novel:
            reasons.append(gettext("no one from your library has visited yet"))
        return reasons

    @property
    def why(self) -> str:
        return " · ".join(self.reasons)


def _language_points(wish: str, status: str) -> int:
    if not wish:
        return 0
    if status in MAJORITY[wish]:
        return POINTS_LANGUAGE_MAJORITY
    if status in BILINGUAL[wish]:
        return POINTS_LANGUAGE_BILINGUAL
    return 0


def _name_key(library: Library) -> str:
    # As LibraryQuerySet.in_name_order: a library without a Swedish name shows its Finnish one.
    name = (library.name_sv or library.name_fi) if get_language() == "sv" else library.name_fi
    return name.casefold()


def free_days(libraries: list[Library], today: date) -> dict[int, int]:
    """How many days each library can take a visitor from tomorrow on (two queries)."""
    first_day, last_day = today + timedelta(days=1), today + timedelta(days=DAYS_AHEAD)
    ids = [library.pk for library in libraries]
    closed = defaultdict(list)
    for period in ClosedPeriod.objects.filter(
        library__in=ids, last_day__gte=first_day, first_day__lte=last_day
    ):
        closed[period.library_id].append(period)
    visitors = count_visitors(ids, first_day, last_day)
    return {
        library.pk: sum(
            day.requestable
            for day in availability.day_states(
                library,
                first_day,
                last_day,
                today=today,
                closed=closed[library.pk],
                visitors=visitors.get(library.pk, Counter()),
            )
        )
        for library in libraries
    }


def for_librarian(person: Staff, *, limit: int | None = SHOWN) -> list[Suggestion]:
    """The ranked suggestions for this person, in a fixed number of queries."""
    home = distance.home_municipality(person)
    interests = set(person.interests.values_list("pk", flat=True))
    visited = set(
        ExchangeRequest.objects.filter(
            home_library_id=person.library_id, state__in=VISITED_STATES
        ).values_list("host_library_id", flat=True)
    )
    candidates = (
        Library.objects.accepting_visitors()
        .exclude(pk=person.library_id)
        .select_related("municipality__region")
        .prefetch_related("focus_areas")
    )
    candidates = list(candidates)
    free = free_days(candidates, timezone.localdate())
    suggestions = []
    for library in candidates:
        if not free[library.pk]:
            continue  # nothing to ask for in the coming months
        suggestions.append(
            Suggestion(
                library=library,
                shared=[area for area in library.focus_areas.all() if area.pk in interests],
                language_points=_language_points(
                    person.language_wish, library.municipality.language_status
                ),
                distance=distance.between(home, library.municipality),
                novel=library.pk not in visited,
                free_days=free[library.pk],
            )
        )
    suggestions.sort(key=lambda s: (-s.points, _name_key(s.library), s.library.pk))
    return suggestions[:limit] if limit else suggestions
