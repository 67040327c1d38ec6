"""The coordinator's desk: what needs action today, on the admin's front page.

Each app's admin names what it counts (add): a label and the rows of its list, as a function
of the list's queryset and the moment. The front page shows each count as a link to the list
filtered by DeskFilter to exactly those rows, so the two never disagree. One query per
figure, whatever the amount of data.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from django.contrib import admin
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# The parameter of the list filter that each figure's link sets.
PARAMETER = "desk"

Rows = Callable  # (queryset, now) -> queryset


@dataclass(frozen=True)
class Item:
    """One line of the desk: a label, a figure and the list behind it."""

    key: str
    section: Promise | str
    place: int
    label: Promise | str
    # The figure at a moment: a count, or a short reading such as "31 %".
    figure: Callable[[datetime], int | str]
    url: Callable[[], str]
    # Who sees the item, as "app_label.view_model".
    permission: str
    # A count above zero is something to do; a reading (the budget) is only to read.
    to_do: bool = True


_ITEMS: dict[str, Item] = {}


def add_item(item: Item) -> None:
    _ITEMS[item.key] = item


def add(
    model_admin: type[admin.ModelAdmin],
    model,
    *,
    section: Promise | str,
    place: int,
    rows: dict[str, tuple[Promise | str, Rows]],
) -> None:
    """Count the rows of a model's list: {key: (label, rows)}; the admin's DeskFilter lists
    the same rows behind each figure's link."""
    model_admin.desk_rows = {**getattr(model_admin, "desk_rows", {}), **rows}
    meta = model._meta
    changelist = f"admin:{meta.app_label}_{meta.model_name}_changelist"
    for key, (label, select) in rows.items():
        add_item(
            Item(
                key=key,
                section=section,
                place=place,
                label=label,
                figure=lambda now, select=select: select(model._default_manager.all(), now).count(),
                url=lambda key=key: f"{reverse(changelist)}?{PARAMETER}={key}",
                permission=f"{meta.app_label}.view_{meta.model_name}",
            )
        )


class DeskFilter(admin.SimpleListFilter):
    """The rows behind each figure of the desk, for the list whose admin names them."""

    title = _("needs action")
    parameter_name = PARAMETER

    def __init__(self, request, params, model, model_admin):
        self.rows = getattr(model_admin, "desk_rows", {})
        super().__init__(request, params, model, model_admin)

    def lookups(self, request, model_admin):
        return [(key, label) for key, (label, _rows) in self.rows.items()]

    def queryset(self, request, queryset):
        if self.value() in self.rows:
            return self.rows[self.value()][1](queryset, timezone.now())
        return queryset


def desk(request: HttpRequest) -> list[dict]:
    """The desk's sections in the order of the work, with the items the user may see."""
    now = timezone.now()
    sections: dict[str, dict] = {}
    for item in sorted(_ITEMS.values(), key=lambda item: item.place):
        if not request.user.has_perm(item.permission):
            continue
        figure = item.figure(now)
        section = sections.setdefault(str(item.section), {"title": item.section, "items": []})
        section["items"].append(
            {
                "key": item.key,
                "label": item.label,
                "figure": figure,
                "url": item.url(),
                "waiting": item.to_do and bool(figure),
            }
        )
    return list(sections.values())
