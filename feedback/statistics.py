"""The coordinator's yearly figures, each a database aggregate, and server-drawn bar charts.

A visit belongs to the year of its first day. Drafts never count. The number of queries is
the same for ten visits or ten thousand.
"""

from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal

from django.db.models import Avg, Count, DurationField, Exists, F, OuterRef, Q, Sum
from django.db.models.functions import Coalesce
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchange.models import TAKEN_PLACE_STATES, ExchangeRequest, HistoryEntry, State
from libraries import distance
from libraries.csv_export import money
from libraries.models import Library, Municipality, Region

from .models import ClaimState, ExpenseClaim, VisitorFeedback, YearSettings, euros

# Visits that were confirmed and not (yet) cancelled: the estimate still stands.
GOING_AHEAD = [State.CONFIRMED, *TAKEN_PLACE_STATES]
ZERO = Decimal("0.00")


@dataclass
class Split:
    """One row of a table by region or by language: visits from there and hosted there."""

    label: str
    sent: int
    hosted: int


@dataclass
class ProgrammeMap:
    """Where the year's visits that took place went, and who has not taken part yet.

    The distance travelled is estimated as the request form estimates a car trip: there and
    back by road, a quarter longer than twice the distance between the municipalities'
    centres; a visit within one municipality counts as none.
    """

    visits: int
    not_sending: list[Library]
    not_hosting: list[Library]
    travelled_km: float
    measured: int  # visits whose distance is known
    language_practice: int

    @property
    def travelled_km_total(self) -> int:
        return round(self.travelled_km)

    @property
    def km_per_visit(self) -> int | None:
        return round(self.travelled_km / self.measured) if self.measured else None

    @property
    def language_practice_rate(self) -> Decimal | None:
        """Share of the visits that took place with language practice, in per cent."""
        if not self.visits:
            return None
        return (Decimal(self.language_practice) * 100 / self.visits).quantize(Decimal("0.1"))


def programme_map(visits) -> ProgrammeMap:
    """The map of these visits (that took place), in four queries however many there are."""
    pairs = (
        visits.order_by()
        .values("home_library__municipality", "host_library__municipality")
        .annotate(n=Count("pk"), practice=Count("pk", filter=Q(language_practice=True)))
    )
    centres = Municipality.objects.in_bulk()
    count = practice = measured = 0
    travelled = 0.0
    for row in pairs:
        count += row["n"]
        practice += row["practice"]
        gap = distance.between(
            centres.get(row["home_library__municipality"]),
            centres.get(row["host_library__municipality"]),
        )
        if gap is not None:
            measured += row["n"]
            travelled += row["n"] * gap.road_km_there_and_back
    libraries = Library.objects.select_related("municipality").in_name_order()
    return ProgrammeMap(
        visits=count,
        not_sending=list(libraries.exclude(pk__in=visits.values("home_library"))),
        not_hosting=list(libraries.exclude(pk__in=visits.values("host_library"))),
        travelled_km=travelled,
        measured=measured,
        language_practice=practice,
    )


@dataclass
class YearFigures:
    year: int
    requested: int
    confirmed: int
    completed: int
    cancelled: int
    declined: int
    visit_days: int
    persons: int
    sending_libraries: int
    hosting_libraries: int
    sending_municipalities: int
    hosting_municipalities: int
    one_way: int
    reciprocal: int
    feedback_count: int
    average_rating: Decimal | None
    km_rate: Decimal | None
    budget: Decimal | None
    estimated: Decimal
    claimed: Decimal
    approved: Decimal
    paid: Decimal
    by_region: list[Split] = field(default_factory=list)
    by_language: list[Split] = field(default_factory=list)
    programme: ProgrammeMap | None = None

    @property
    def feedback_rate(self) -> Decimal | None:
        """Share of completed visits with the visitor's feedback, in per cent."""
        if not self.completed:
            return None
        return (Decimal(self.feedback_count) * 100 / self.completed).quantize(Decimal("0.1"))

    @property
    def budget_left(self) -> Decimal | None:
        if self.budget is None:
            return None
        return self.budget - self.approved


def _in_year(year: int):
    return ExchangeRequest.objects.filter(first_day__year=year, submitted_at__isnull=False)


def _visit_days(total: timedelta | None, visits: int) -> int:
    # last_day - first_day is one day short of the visit's length: add one per visit.
    return (total.days if total else 0) + visits


def year_figures(year: int) -> YearFigures:
    exchanges = _in_year(year)
    completed = Q(state__in=TAKEN_PLACE_STATES)
    going_ahead = Q(state__in=GOING_AHEAD)
    was_confirmed = Exists(
        HistoryEntry.objects.filter(exchange=OuterRef("pk"), to_state=State.CONFIRMED)
    )
    totals = exchanges.aggregate(
        requested=Count("pk"),
        confirmed=Count("pk", filter=going_ahead | Q(was_confirmed)),
        completed=Count("pk", filter=completed),
        cancelled=Count("pk", filter=Q(state=State.CANCELLED)),
        declined=Count("pk", filter=Q(state=State.DECLINED)),
        length=Sum(F("last_day") - F("first_day"), filter=completed, output_field=DurationField()),
        persons=Count("visitor", distinct=True, filter=completed),
        sending_libraries=Count("home_library", distinct=True, filter=completed),
        hosting_libraries=Count("host_library", distinct=True, filter=completed),
        sending_municipalities=Count("home_library__municipality", distinct=True, filter=completed),
        hosting_municipalities=Count("host_library__municipality", distinct=True, filter=completed),
        one_way=Count("pk", filter=completed & Q(kind=ExchangeRequest.Kind.ONE_WAY)),
        reciprocal=Count("pk", filter=completed & Q(kind=ExchangeRequest.Kind.RECIPROCAL)),
        car_km=Coalesce(Sum("travel_car_km", filter=going_ahead), 0),
        public_eur=Coalesce(Sum("travel_public_eur", filter=going_ahead), ZERO),
        other_eur=Coalesce(Sum("travel_other_eur", filter=going_ahead), ZERO),
        accommodation_eur=Coalesce(Sum("accommodation_eur", filter=going_ahead), ZERO),
    )
    settings = YearSettings.objects.filter(year=year).first()
    km_rate = settings.km_rate if settings else None

    feedback = VisitorFeedback.objects.filter(exchange__in=exchanges.filter(completed)).aggregate(
        count=Count("pk"), average=Avg("rating")
    )
    claims = ExpenseClaim.objects.filter(exchange__in=exchanges).aggregate(
        claimed=Coalesce(Sum("total_eur"), ZERO),
        approved=Coalesce(
            Sum("total_eur", filter=Q(state__in=[ClaimState.APPROVED, ClaimState.PAID])), ZERO
        ),
        paid=Coalesce(Sum("total_eur", filter=Q(state=ClaimState.PAID)), ZERO),
    )
    estimated = euros(
        euros(Decimal(totals["car_km"]) * (km_rate or 0))
        + euros(totals["public_eur"])
        + euros(totals["other_eur"])
        + euros(totals["accommodation_eur"])
    )
    average = feedback["average"]
    return YearFigures(
        year=year,
        requested=totals["requested"],
        confirmed=totals["confirmed"],
        completed=totals["completed"],
        cancelled=totals["cancelled"],
        declined=totals["declined"],
        visit_days=_visit_days(totals["length"], totals["completed"]),
        persons=totals["persons"],
        sending_libraries=totals["sending_libraries"],
        hosting_libraries=totals["hosting_libraries"],
        sending_municipalities=totals["sending_municipalities"],
        hosting_municipalities=totals["hosting_municipalities"],
        one_way=totals["one_way"],
        reciprocal=totals["reciprocal"],
        feedback_count=feedback["count"],
        average_rating=None if average is None else Decimal(str(average)).quantize(Decimal("0.1")),
        km_rate=km_rate,
        budget=settings.budget if settings else None,
        estimated=estimated,
        claimed=euros(claims["claimed"]),
        approved=euros(claims["approved"]),
        paid=euros(claims["paid"]),
        by_region=_by_region(exchanges.filter(completed)),
        by_language=_by_language(exchanges.filter(completed)),
        programme=programme_map(exchanges.filter(completed)),
    )


def spending(year: int) -> tuple[Decimal, Decimal | None]:
    """The claims approved or paid for the year's visits, and the year's budget (two queries),
    as year_figures counts them."""
    approved = ExpenseClaim.objects.filter(
        exchange__in=_in_year(year), state__in=[ClaimState.APPROVED, ClaimState.PAID]
    ).aggregate(total=Coalesce(Sum("total_eur"), ZERO))["total"]
    budget = YearSettings.objects.filter(year=year).values_list("budget", flat=True).first()
    return euros(approved), budget


def _counts(visits, lookup: str) -> dict:
    rows = visits.order_by().values(lookup).annotate(n=Count("pk"))
    return {row[lookup]: row["n"] for row in rows}


def _by_region(visits) -> list[Split]:
    sent = _counts(visits, "home_library__municipality__region")
    hosted = _counts(visits, "host_library__municipality__region")
    return [
        Split(label=region.name, sent=sent.get(region.pk, 0), hosted=hosted.get(region.pk, 0))
        for region in Region.objects.all()
    ]


def _by_language(visits) -> list[Split]:
    sent = _counts(visits, "home_library__municipality__language_status")
    hosted = _counts(visits, "host_library__municipality__language_status")
    return [
        Split(label=str(label), sent=sent.get(value, 0), hosted=hosted.get(value, 0))
        for value, label in Municipality.LanguageStatus.choices
    ]


def years_with_data() -> list[int]:
    """Years with visits or with settings, newest first, for the year menu."""
    visit_years = {day.year for day in _in_year_any().dates("first_day", "year")}
    settings_years = set(YearSettings.objects.values_list("year", flat=True))
    return sorted(visit_years | settings_years, reverse=True)


def _in_year_any():
    return ExchangeRequest.objects.filter(submitted_at__isnull=False, first_day__isnull=False)


# --- the same figures as rows: for the page's tables and for the CSV export ------------------


def _number(value) -> str:
    return "" if value is None else number_format(value, force_grouping=False)


def programme_figures(m: ProgrammeMap) -> list[tuple[str, str]]:
    """The map of the programme's figures, (name, value), for the page's table and the CSV."""
    return [
        (_("libraries that sent no one"), _number(len(m.not_sending))),
        (_("libraries that hosted no one"), _number(len(m.not_hosting))),
        (_("distance travelled, km"), _number(m.travelled_km_total)),
        (_("distance per visit, km"), _number(m.km_per_visit)),
        (_("visits with language practice, per cent"), _number(m.language_practice_rate)),
    ]


def _names(libraries: list[Library]) -> str:
    return "; ".join(str(library.name) for library in libraries)


EXCHANGES = gettext_lazy("Exchanges")
VISITS = gettext_lazy("Visits that took place")
FEEDBACK = gettext_lazy("Feedback")
COSTS = gettext_lazy("Costs, euros")
BY_REGION = gettext_lazy("By region")
BY_LANGUAGE = gettext_lazy("By the libraries' language")
PROGRAMME = gettext_lazy("The map of the programme")


def rows(figures: YearFigures, *, with_names: bool = False) -> list[tuple[str, str, str]]:
    """(section, figure, value) for every figure of the year; the CSV also names the libraries
    that sent or hosted no one (`with_names`), which the page lists under the map."""
    f = figures
    table = [
        (EXCHANGES, _("requested"), _number(f.requested)),
        (EXCHANGES, _("confirmed"), _number(f.confirmed)),
        (EXCHANGES, _("completed"), _number(f.completed)),
        (EXCHANGES, _("cancelled"), _number(f.cancelled)),
        (EXCHANGES, _("declined"), _number(f.declined)),
        (VISITS, _("visit days"), _number(f.visit_days)),
        (VISITS, _("persons"), _number(f.persons)),
        (VISITS, _("sending libraries"), _number(f.sending_libraries)),
        (VISITS, _("hosting libraries"), _number(f.hosting_libraries)),
        (VISITS, _("sending municipalities"), _number(f.sending_municipalities)),
        (VISITS, _("hosting municipalities"), _number(f.hosting_municipalities)),
        (VISITS, _("one-way visits"), _number(f.one_way)),
        (VISITS, _("visits of reciprocal exchanges"), _number(f.reciprocal)),
        (FEEDBACK, _("feedback given"), _number(f.feedback_count)),
        (FEEDBACK, _("feedback rate, per cent"), _number(f.feedback_rate)),
        (FEEDBACK, _("average rating (1–5)"), _number(f.average_rating)),
        (COSTS, _("budget"), money(f.budget)),
        (COSTS, _("kilometre allowance, euros per km"), money(f.km_rate)),
        (COSTS, _("estimated in the requests"), money(f.estimated)),
        (COSTS, _("claimed"), money(f.claimed)),
        (COSTS, _("approved"), money(f.approved)),
        (COSTS, _("paid"), money(f.paid)),
        (COSTS, _("budget left after the approved claims"), money(f.budget_left)),
    ]
    if f.programme is not None:
        m = f.programme
        table += [(PROGRAMME, name, value) for name, value in programme_figures(m)]
        if with_names:
            table += [
                (PROGRAMME, _("libraries that sent no one, by name"), _names(m.not_sending)),
                (PROGRAMME, _("libraries that hosted no one, by name"), _names(m.not_hosting)),
            ]
    for section, splits in [(BY_REGION, f.by_region), (BY_LANGUAGE, f.by_language)]:
        for split in splits:
            table.append(
                (section, _("%(name)s: visitors from") % {"name": split.label}, _number(split.sent))
            )
            table.append(
                (
                    section,
                    _("%(name)s: visits hosted") % {"name": split.label},
                    _number(split.hosted),
                )
            )
    return [(str(section), str(name), value) for section, name, value in table]


# --- bar charts, drawn as SVG in the template -------------------------------------------------
#
# Each row's label stands on a line of its own above its bars, so a long label never runs
# into a bar, and each bar's value stands after its end in space kept free for it. Every
# chart has its data table beside it, for screen readers and for reading exact figures.

CHART_WIDTH = 520
VALUE_WIDTH = 90
LABEL_HEIGHT = 20
BAR_HEIGHT = 18
ROW_GAP = 10
# This year in Bootstrap's blue, last year in a grey: apart for colour-blind readers too, and
# each with 4.5:1 contrast against white for the value written after it.
COLOURS = ["#0d6efd", "#6c757d"]


@dataclass
class Bar:
    y: str
    width: str
    height: str
    colour: str
    text: str
    text_x: str
    text_y: str


@dataclass
class ChartRow:
    label: str
    label_y: str
    bars: list[Bar]

    @property
    def values(self) -> list[str]:
        return [bar.text for bar in self.bars]


@dataclass
class Chart:
    slug: str
    title: str
    height: int
    rows: list[ChartRow]
    series: list[tuple[str, str]]
    # The heading of the table's first column: what the rows are.
    row_heading: str = ""
    width: int = CHART_WIDTH


def _fmt(value: float) -> str:
    # SVG coordinates: always a dot, whatever the page's language.
    return f"{value:.1f}"


def bar_chart(
    slug: str,
    title: str,
    data: list[tuple[str, list]],
    series: list[str],
    *,
    row_heading: str = "",
    in_euros: bool = False,
) -> Chart:
    """Horizontal bars, one group per row and one bar per series, scaled to the largest value."""
    largest = max((float(v or 0) for _label, values in data for v in values), default=0) or 1
    span = CHART_WIDTH - VALUE_WIDTH
    rows, y = [], 0.0
    for label, values in data:
        label_y = y + LABEL_HEIGHT - 6
        y += LABEL_HEIGHT
        bars = []
        for index, value in enumerate(values):
            width = span * float(value or 0) / largest
            bars.append(
                Bar(
                    y=_fmt(y + 1),
                    width=_fmt(width),
                    height=_fmt(BAR_HEIGHT - 2),
                    colour=COLOURS[index % len(COLOURS)],
                    text=(money(value) if in_euros else _number(value)) or "–",
                    text_x=_fmt(width + 6),
                    text_y=_fmt(y + BAR_HEIGHT - 4),
                )
            )
            y += BAR_HEIGHT
        rows.append(ChartRow(label=str(label), label_y=_fmt(label_y), bars=bars))
        y += ROW_GAP
    colours = [(str(name), COLOURS[i % len(COLOURS)]) for i, name in enumerate(series)]
    return Chart(
        slug=slug,
        title=title,
        height=int(y),
        rows=rows,
        series=colours,
        row_heading=str(row_heading),
    )


def charts(figures: YearFigures, previous: YearFigures) -> list[Chart]:
    """The year's charts, each row with this year's bar above last year's."""
    f, p = figures, previous
    years = [str(f.year), str(p.year)]

    def both(name: str) -> list:
        return [getattr(f, name), getattr(p, name)]

    costs = [(_("budget"), both("budget"))] if f.budget is not None or p.budget else []
    costs += [
        (_("estimated in the requests"), both("estimated")),
        (_("claimed"), both("claimed")),
        (_("approved"), both("approved")),
        (_("paid"), both("paid")),
    ]

    def splits(now: list[Split], before: list[Split]) -> list[tuple[str, list]]:
        data = []
        for split, earlier in zip(now, before, strict=True):
            data.append(
                (_("%(name)s: visitors from") % {"name": split.label}, [split.sent, earlier.sent])
            )
            data.append(
                (
                    _("%(name)s: visits hosted") % {"name": split.label},
                    [split.hosted, earlier.hosted],
                )
            )
        return data

    return [
        bar_chart(
            "exchanges",
            str(EXCHANGES),
            [
                (_("requested"), both("requested")),
                (_("confirmed"), both("confirmed")),
                (_("completed"), both("completed")),
                (_("cancelled"), both("cancelled")),
                (_("declined"), both("declined")),
            ],
            years,
            row_heading=_("exchanges"),
        ),
        bar_chart(
            "visits",
            str(VISITS),
            [
                (_("visit days"), both("visit_days")),
                (_("persons"), both("persons")),
                (_("sending libraries"), both("sending_libraries")),
                (_("hosting libraries"), both("hosting_libraries")),
            ],
            years,
            row_heading=_("visits"),
        ),
        bar_chart(
            "regions",
            _("Visits by region"),
            splits(f.by_region, p.by_region),
            years,
            row_heading=_("region"),
        ),
        bar_chart(
            "languages",
            _("Visits by the libraries' language"),
            splits(f.by_language, p.by_language),
            years,
            row_heading=_("language"),
        ),
        bar_chart(
            "costs",
            _("Costs against the budget, euros"),
            costs,
            years,
            row_heading=_("costs"),
            in_euros=True,
        ),
    ]
