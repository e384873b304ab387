"""A long list is linked by several processes into the links one process makes."""

from __future__ import annotations

from consular.cli.linking import link_all
from consular.matching import PersonRecord, build_matcher


def test_workers_make_the_links_one_process_makes_in_the_lists_order() -> None:
    registry = [
        PersonRecord(id=f"R{i}", family_name="KIM", given_name=f"MINJUN{i % 7}") for i in range(300)
    ]
    listed = [
        PersonRecord(id=f"L{i}", full_name=f"KIM, MINJUN{i % 9}", passport_number=None)
        for i in range(101)
    ]
    matcher = build_matcher(registry)
    alone = [matcher.link(record) for record in listed]
    seen: list[int] = []
    assert link_all(matcher, listed, seen.append, workers=3) == alone
    assert seen[-1] == len(listed)
    assert link_all(matcher, listed, workers=1) == alone
