"""The expense claim between its form and its sending: the answers and the receipts kept
while the visitor checks them (GOV.UK's check-your-answers pattern).

The answers wait in the visitor's session; the receipts wait as files under
PRIVATE_MEDIA_ROOT/pending/, named at random, and only names this module made are ever
opened from the session. A receipt left behind (the visitor never sent the claim) is
deleted a day later by the next claim saved or by the nightly retention run.
"""

import time
import uuid
from pathlib import Path

from django.core.files import File

from .models import receipt_storage

PENDING = "pending"
# Receipts of a claim never sent are kept this long, then deleted.
KEEP_SECONDS = 24 * 60 * 60


def _key(exchange_id: int) -> str:
    return f"expense-claim-{exchange_id}"


def _is_ours(entry) -> bool:
    name = entry.get("name", "") if isinstance(entry, dict) else ""
    stem = name.removeprefix(f"{PENDING}/")
    return (
        name.startswith(f"{PENDING}/")
        and "/" not in stem
        and ".." not in stem
        and receipt_storage.exists(name)
    )


def answers(session, exchange_id: int) -> dict | None:
    """The answers waiting to be checked, or None."""
    kept = session.get(_key(exchange_id))
    return kept.get("data") if kept else None


def receipts(session, exchange_id: int) -> list[dict]:
    """The receipts waiting with the answers: storage name, the visitor's file name, size."""
    kept = session.get(_key(exchange_id)) or {}
    return [entry for entry in kept.get("receipts", []) if _is_ours(entry)]


def keep(session, exchange_id: int, *, data: dict | None, kept: list[dict], uploads) -> None:
    """Keep the answers and the receipts: those kept before and the new uploads."""
    sweep()
    entries = list(kept)
    for upload in uploads:
        suffix = Path(upload.name or "").suffix.lower()
        upload.seek(0)
        name = receipt_storage.save(f"{PENDING}/{uuid.uuid4().hex}{suffix}", upload)
        entries.append({"name": name, "original_name": upload.name[:255], "size": upload.size})
    before = session.get(_key(exchange_id)) or {}
    session[_key(exchange_id)] = {
        "data": data if data is not None else before.get("data"),
        "receipts": entries,
    }


def drop(entries: list[dict]) -> None:
    for entry in entries:
        if _is_ours(entry):
            receipt_storage.delete(entry["name"])


def files(entries: list[dict]) -> list[File]:
    """The kept receipts as files to save with the claim, under the visitor's file names."""
    return [File(receipt_storage.open(e["name"], "rb"), name=e["original_name"]) for e in entries]


def forget(session, exchange_id: int) -> None:
    """The claim was sent: its kept answers and receipt files go."""
    drop(receipts(session, exchange_id))
    session.pop(_key(exchange_id), None)


def sweep() -> None:
    """Delete kept receipts older than a day: claims their visitors never sent."""
    try:
        _dirs, names = receipt_storage.listdir(PENDING)
    except FileNotFoundError:
        return
    too_old = time.time() - KEEP_SECONDS
    for name in names:
        path = Path(receipt_storage.path(f"{PENDING}/{name}"))
        try:
            if path.stat().st_mtime < too_old:
                path.unlink()
        except FileNotFoundError:
            pass
