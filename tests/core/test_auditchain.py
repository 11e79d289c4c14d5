"""The audit chain's verifier, on records built in memory: every kind of tampering is named."""

from __future__ import annotations

from dataclasses import replace

from skillsubsidy.auditchain import GENESIS, Link, seal, verify

KEY = b"k" * 32


def chain(n: int) -> list[Link]:
    links, prev = [], GENESIS
    for seq in range(1, n + 1):
        content = {"action": "catalog.publish", "summary": f"record {seq}"}
        h = seal(KEY, seq, prev, content)
        links.append(Link(seq * 10, seq, prev, h, content))
        prev = h
    return links


def head(links: list[Link]) -> tuple[int, str]:
    return (links[-1].seq, links[-1].hash)


def test_an_untouched_chain_is_intact_and_counted() -> None:
    links = chain(5)
    assert verify(KEY, links, head(links)).describe() == "audit chain intact: 5 records"
    assert verify(KEY, [], None).intact


def test_an_edited_record_is_named() -> None:
    links = chain(5)
    links[2] = replace(links[2], content={**links[2].content, "summary": "changed"})
    verdict = verify(KEY, links, head(links))
    assert (
        verdict.describe()
        == "audit chain broken at seq 3 (record id 30): its content was changed after it was written"
    )


def test_a_deleted_record_leaves_a_gap_at_the_next_one() -> None:
    links = chain(5)
    del links[1]
    assert verify(KEY, links, head(links)).describe() == (
        "audit chain broken at seq 3 (record id 30): expected seq 2, found 3: a record is missing before it"
    )


def test_two_swapped_records_break_the_links() -> None:
    links = chain(5)
    a, b = links[1], links[3]
    links[1] = replace(b, seq=2)
    links[3] = replace(a, seq=4)
    verdict = verify(KEY, links, head(chain(5)))
    assert (verdict.intact, verdict.broken_at.seq if verdict.broken_at else None) == (False, 2)


def test_a_record_inserted_in_the_middle_cannot_be_sealed_without_the_key() -> None:
    links = chain(4)
    forged_content = {"action": "claim.pay", "summary": "forged"}
    forged = Link(
        99, 3, links[1].hash, seal(b"not the key" * 3, 3, links[1].hash, forged_content), forged_content
    )
    renumbered = [replace(link, seq=link.seq + 1) for link in links[2:]]
    verdict = verify(KEY, [*links[:2], forged, *renumbered], (5, renumbered[-1].hash))
    assert (
        verdict.describe()
        == "audit chain broken at seq 3 (record id 99): its content was changed after it was written"
    )


def test_records_cut_off_the_end_are_seen_through_the_head() -> None:
    links = chain(5)
    assert verify(KEY, links[:3], head(links)).describe() == (
        "audit chain broken at seq 3 (record id 30): "
        "the chain ends at seq 3 but its head says 5: records were cut off"
    )
