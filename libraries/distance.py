"""How far two libraries are from each other, measured between their municipalities' centres.

The centres come from libraries/data/municipalities.csv (each with its public source). The
distance is the great-circle distance (haversine) on a sphere of the Earth's mean radius: the
straight line a map would show, not the road. Two libraries of the same municipality share a
centre; within a municipality of this region the trip is 0–15 km, so it is said as "same
municipality" rather than as a number.
"""

import math
from dataclasses import dataclass

from django.utils.translation import gettext as _

from .models import Municipality

# The mean radius of the Earth (IUGG), in kilometres.
EARTH_RADIUS_KM = 6371.0088
# Roads wind: in rural Finland a trip by road is about a quarter longer than the straight
# line between its ends, so the car estimate multiplies the great-circle distance by this.
ROAD_FACTOR = 1.25


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The haversine distance in kilometres between two (latitude, longitude) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (a[0], a[1], b[0], b[1]))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_KM * math.asin(math.sqrt(h))


def _round_sensibly(km: float) -> int:
    """To the kilometre under 20 km, to 5 km under 100 km, to 10 km beyond."""
    if km < 20:
        return max(1, round(km))
    if km < 100:
        return int(5 * round(km / 5))
    return int(10 * round(km / 10))


@dataclass(frozen=True)
class Distance:
    km: float
    same_municipality: bool

    @property
    def rounded_km(self) -> int:
        return 0 if self.same_municipality else _round_sensibly(self.km)

    @property
    def short(self) -> str:
        """'about 85 km' or 'same municipality', for a list of reasons."""
        if self.same_municipality:
            return _("same municipality")
        return _("about %(km)s km") % {"km": self.rounded_km}

    @property
    def from_your_library(self) -> str:
        """A whole phrase for a library's card or page."""
        if self.same_municipality:
            return _("In the same municipality as your library")
        return _("About %(km)s km from your library") % {"km": self.rounded_km}

    @property
    def road_km_there_and_back(self) -> float:
        """The trip there and back by road, unrounded, for sums: 0 within a municipality."""
        return 0.0 if self.same_municipality else 2 * ROAD_FACTOR * self.km

    @property
    def car_km_there_and_back(self) -> int | None:
        """The car kilometres of the trip there and back by road, to 5 km; None in one's own
        municipality, where only the visitor knows the way."""
        if self.same_municipality:
            return None
        return max(5, int(5 * round(self.road_km_there_and_back / 5)))


def between(a: Municipality | None, b: Municipality | None) -> Distance | None:
    """The distance between two municipalities, or None while either has no centre."""
    if a is None or b is None:
        return None
    if a.pk == b.pk:
        return Distance(0.0, same_municipality=True)
    if a.centre is None or b.centre is None:
        return None
    return Distance(great_circle_km(a.centre, b.centre), same_municipality=False)


def home_municipality(user) -> Municipality | None:
    """The municipality of a signed-in person's home library, in one query; None otherwise."""
    if not getattr(user, "is_authenticated", False) or not user.library_id:
        return None
    return Municipality.objects.filter(libraries__pk=user.library_id).first()
