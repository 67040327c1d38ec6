"""What each kind of message is called where the coordinator reads the outbox.

The outbox stores a kind as a code ("decision_request"); the apps that write messages name
their kinds here when they start (their AppConfig.ready), since this app knows none of them.
"""

from django.utils.functional import Promise

_NAMES: dict[str, Promise | str] = {}


def name_kinds(names: dict[str, Promise | str]) -> None:
    """Give kinds of message their names, such as {"decision_request": _("decision request")}."""
    _NAMES.update(names)


def kind_name(kind: str) -> str:
    """A kind's name in the active language; a kind nobody named shows as its code."""
    return str(_NAMES.get(kind, kind))


def named_kinds() -> set[str]:
    return set(_NAMES)
