"""Email addresses compared as mailboxes, not as strings.

"Liisa+boss@Kokkola.fi", "liiſa@kokkola.fi" (a long s) and "ｌｉｉｓａ@kokkola.fi" (fullwidth
letters) all reach, or pass for, liisa@kokkola.fi. Who an address belongs to — whose
account it signs into, whether a supervisor is the visitor themselves — is decided by the
folded key, so that such a variant can neither approve its owner's request nor become a
second account that looks like the first.
"""

import unicodedata


def mailbox_key(address: str) -> str:
    """The address folded to its mailbox: compatibility forms, case and sub-address."""
    folded = unicodedata.normalize("NFKC", address.strip()).casefold()
    # Case folding can leave a character that has a compatibility form of its own.
    folded = unicodedata.normalize("NFKC", folded)
    local, at, domain = folded.rpartition("@")
    if not at:
        return folded
    # "name+tag" is delivered to "name"; a local part that is only a tag stays as it is.
    local = local.split("+", 1)[0] or local
    return f"{local}@{domain}"


def same_mailbox(first: str, second: str) -> bool:
    """Do both addresses reach the same mailbox? An empty address reaches none."""
    return bool(first.strip() and second.strip()) and mailbox_key(first) == mailbox_key(second)
