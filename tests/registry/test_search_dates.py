"""Birth dates as people type them into a search (``consular.fields.read_typed_date``)."""

from __future__ import annotations

from datetime import date

import pytest

from consular.fields import FieldError, TypedDate, read_typed_date

APRIL_21 = date(1980, 4, 21)


@pytest.mark.parametrize(
    ("typed", "form"),
    [
        ("1980.04.21", "YYYY-MM-DD"),
        ("1980-4-21", "YYYY-MM-DD"),
        ("1980/04/21", "YYYY-MM-DD"),
        ("1980. 4. 21.", "YYYY-MM-DD"),
        ("19800421", "YYYY-MM-DD"),
        ("80-04-21", "YY-MM-DD"),
        ("800421", "YY-MM-DD"),
        ("21/04/1980", "DD/MM/YYYY"),
        ("21.04.1980", "DD/MM/YYYY"),
        ("21/04/80", "DD/MM/YY"),
        ("21-04-80", "DD/MM/YY"),
    ],
)
def test_each_usual_form_reads_the_same_day_whatever_the_convention(typed: str, form: str) -> None:
    for month_first in (False, True):
        assert read_typed_date(typed, month_first=month_first) == TypedDate(APRIL_21, form)


def test_a_us_date_with_a_day_over_12_is_read_month_first_anywhere() -> None:
    assert read_typed_date("04/21/1980") == TypedDate(APRIL_21, "MM/DD/YYYY")


def test_an_ambiguous_date_follows_the_convention_and_says_it_is_ambiguous() -> None:
    assert read_typed_date("04/05/1980") == TypedDate(date(1980, 5, 4), "DD/MM/YYYY", True)
    assert read_typed_date("04/05/1980", month_first=True) == TypedDate(
        date(1980, 4, 5), "MM/DD/YYYY", True
    )
    # The same day and month either way is no ambiguity.
    assert read_typed_date("05/05/1980", month_first=True) == TypedDate(
        date(1980, 5, 5), "MM/DD/YYYY"
    )


def test_a_two_digit_year_is_the_most_recent_past_one() -> None:
    assert read_typed_date("05-03-02").day == date(2005, 3, 2)  # type: ignore[union-attr]
    assert read_typed_date("99-03-02").day == date(1999, 3, 2)  # type: ignore[union-attr]


def test_blank_is_no_date() -> None:
    assert read_typed_date("  ") is None


@pytest.mark.parametrize("typed", ["1980-02-30", "31/31/1980", "April 21", "1980421", "21/04"])
def test_what_is_no_date_is_refused_with_the_forms_to_use(typed: str) -> None:
    with pytest.raises(FieldError, match="1980-04-21") as refused:
        read_typed_date(typed)
    assert refused.value.message.code == "search.bad_date"
