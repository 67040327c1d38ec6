"""The coordinator's admin of what comes after a visit, one module for each thing it serves.

review: the visitor's and the host's feedback and the published stories; claims: expense
claims and their export; statistics: the year's settings and figures; inlines: the
feedback and the claim on the exchange's own page.
"""

from .. import privacy_admin  # noqa: F401  (registers its page)
from . import claims, review, statistics  # noqa: F401  (each registers its admins)
from .inlines import EXCHANGE_INLINES

__all__ = ["EXCHANGE_INLINES"]
