"""Pin the public API of the pure matching package."""

import consular.matching


def test_public_names_are_pinned() -> None:
    assert sorted(consular.matching.__all__) == [
        "Candidate",
        "Decision",
        "FieldEvidence",
        "Link",
        "Matcher",
        "PersonRecord",
        "build_matcher",
        "cluster",
        "name_keys",
    ]


def test_every_public_name_is_importable() -> None:
    for name in consular.matching.__all__:
        assert getattr(consular.matching, name) is not None


def test_build_matcher_returns_a_matcher() -> None:
    matcher = consular.matching.build_matcher([])
    link = matcher.link(consular.matching.PersonRecord(id="x", family_name="KIM"))
    assert link.decision is consular.matching.Decision.NONE
    assert matcher.link_many([]) == []
