"""An audit trail that can prove itself: each record is chained to the one before by a keyed hash.

Record n carries `seq = n`, the hash of record n-1 (`prev`) and its own hash, an HMAC-SHA256 over its
content and `prev`. Then:
- an edited record no longer matches its own hash;
- a deleted record leaves a gap in `seq`, and its successor's `prev` names a hash no record has;
- two records swapped change the order of `prev` links;
- an inserted record needs a hash only the key can make, and a place in `seq` that is taken.
The last record's hash is also kept apart (the chain head), so cutting off the tail is seen too.
The key never sits in the database: someone who can write the table cannot re-seal what they changed.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64  # the `prev` of the first record


def seal(key: bytes, seq: int, prev: str, content: Mapping[str, Any]) -> str:
    """The hash of record `seq` whose predecessor's hash is `prev`. `content` must be JSON-serialisable;
    keys are sorted and text kept as UTF-8, so the same content always gives the same bytes."""
    body = json.dumps(
        {"seq": seq, "prev": prev, "content": content},
        sort_keys=True,
        ensure_ascii=False,
        separators=(",", ":"),
    )
    return hmac.new(key, body.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass(frozen=True, slots=True)
class Link:
    """One stored record as the verifier reads it."""

    id: int  # the row's own id, to point a person at it
    seq: int
    prev: str
    hash: str
    content: Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Verdict:
    intact: bool
    checked: int
    broken_at: Link | None = None
    problem: str = ""

    def describe(self) -> str:
        if self.intact:
            return f"audit chain intact: {self.checked} records"
        assert self.broken_at is not None
        at = self.broken_at
        return f"audit chain broken at seq {at.seq} (record id {at.id}): {self.problem}"


def verify(key: bytes, links: Iterable[Link], head: tuple[int, str] | None) -> Verdict:
    """Walk the records in `seq` order and report the first broken link. `head` is the stored
    (seq, hash) of the last record, or None when no record was ever written."""
    expected_seq, prev, checked, last = 1, GENESIS, 0, None
    for link in links:
        if link.seq != expected_seq:
            what = (
                "a record is missing before it"
                if link.seq > expected_seq
                else "it repeats a place in the chain"
            )
            return Verdict(False, checked, link, f"expected seq {expected_seq}, found {link.seq}: {what}")
        if link.prev != prev:
            return Verdict(
                False, checked, link, "it does not follow the record before it (removed, moved or inserted)"
            )
        if not hmac.compare_digest(link.hash, seal(key, link.seq, link.prev, link.content)):
            return Verdict(False, checked, link, "its content was changed after it was written")
        expected_seq, prev, checked, last = expected_seq + 1, link.hash, checked + 1, link
    stored = head or (0, GENESIS)
    if (last.seq if last else 0, prev) != stored:
        shown = last if last is not None else Link(0, 0, GENESIS, GENESIS, {})
        return Verdict(
            False,
            checked,
            shown,
            f"the chain ends at seq {shown.seq} but its head says {stored[0]}: records were cut off",
        )
    return Verdict(True, checked)
