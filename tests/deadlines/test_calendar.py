"""The business-day calendar: weekends, national holidays with their Ley Emiliani moves, extra
closing days, and terms in each unit, across year ends."""

from datetime import date

import pytest
from django.core.exceptions import ImproperlyConfigured

from deadlines.rules import provisional_nit_term
from rut_portal.business_days import (
    Term,
    Unit,
    add_business_days,
    add_months,
    business_day_on_or_after,
    business_days_between,
    due_date,
    extra_non_business_days,
    is_business_day,
    next_business_day,
)


def test_a_request_on_the_friday_before_a_monday_holiday_is_due_on_tuesday():
    # San José (19 March) moved to Monday 23 March 2026 (Ley Emiliani).
    assert next_business_day(date(2026, 3, 20)) == date(2026, 3, 24)


def test_three_business_days_from_the_friday_before_a_monday_holiday_skip_the_holiday():
    assert add_business_days(date(2026, 3, 20), 3) == date(2026, 3, 26)


def test_the_last_day_of_the_year_runs_past_new_year_and_the_moved_epiphany():
    # 2027: 1 January is a Friday; Reyes (6 January) moves to Monday 11 January.
    assert not is_business_day(date(2027, 1, 1))
    assert not is_business_day(date(2027, 1, 11))
    assert is_business_day(date(2027, 1, 6))  # the original date is a working day
    assert next_business_day(date(2026, 12, 31)) == date(2027, 1, 4)
    assert add_business_days(date(2026, 12, 31), 5) == date(2027, 1, 8)
    assert add_business_days(date(2026, 12, 31), 6) == date(2027, 1, 12)


def test_new_year_on_a_thursday_and_reyes_moved_to_the_twelfth():
    assert next_business_day(date(2025, 12, 31)) == date(2026, 1, 2)
    assert add_business_days(date(2025, 12, 31), 3) == date(2026, 1, 6)
    assert not is_business_day(date(2026, 1, 12))
    assert add_business_days(date(2026, 1, 9), 1) == date(2026, 1, 13)


def test_christmas_and_holy_week():
    assert next_business_day(date(2026, 12, 24)) == date(2026, 12, 28)
    # Jueves y Viernes Santo 2026: 2 and 3 April.
    assert next_business_day(date(2026, 4, 1)) == date(2026, 4, 6)


def test_fifteen_business_days_from_mid_december_end_in_january():
    # The worked example in the reference notes: 2026-12-15 + 15 business days.
    assert add_business_days(date(2026, 12, 15), 15) == date(2027, 1, 7)


def test_ten_business_days_from_the_friday_before_san_jose_skip_holy_week():
    assert add_business_days(date(2026, 3, 20), 10) == date(2026, 4, 8)


def test_zero_business_days_is_the_same_day_and_negative_days_are_refused():
    assert add_business_days(date(2026, 3, 21), 0) == date(2026, 3, 21)
    with pytest.raises(ValueError):
        add_business_days(date(2026, 3, 20), -1)


def test_business_days_between_counts_after_the_start_up_to_the_end():
    assert business_days_between(date(2026, 3, 20), date(2026, 3, 24)) == 1
    assert business_days_between(date(2026, 3, 24), date(2026, 3, 20)) == -1
    assert business_days_between(date(2026, 12, 31), date(2027, 1, 12)) == 6
    assert business_days_between(date(2026, 5, 4), date(2026, 5, 4)) == 0


def test_an_extra_closing_day_from_settings_is_not_a_business_day(settings):
    settings.EXTRA_NON_BUSINESS_DAYS = ["2026-03-24"]
    assert not is_business_day(date(2026, 3, 24))
    assert next_business_day(date(2026, 3, 20)) == date(2026, 3, 25)


def test_a_bad_extra_closing_day_is_a_configuration_error(settings):
    with pytest.raises(ImproperlyConfigured, match="2026-02-30"):
        extra_non_business_days(["2026-02-30"])
    settings.EXTRA_NON_BUSINESS_DAYS = ["mañana"]
    with pytest.raises(ImproperlyConfigured):
        is_business_day(date(2026, 3, 24))


def test_a_bad_extra_closing_day_fails_the_system_check(settings):
    from deadlines.checks import check_extra_non_business_days

    settings.EXTRA_NON_BUSINESS_DAYS = ["2026-13-01"]
    [error] = check_extra_non_business_days()
    assert error.id == "deadlines.E001"
    settings.EXTRA_NON_BUSINESS_DAYS = ["2026-12-24"]
    assert check_extra_non_business_days() == []


def test_month_and_year_terms_end_on_the_same_day_number_or_the_month_end():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2028, 1, 31), 1) == date(2028, 2, 29)
    assert add_months(date(2026, 11, 30), 2) == date(2027, 1, 30)
    assert add_months(date(2028, 2, 29), 60) == date(2033, 2, 28)


def test_calendar_month_and_year_terms_ending_on_a_holiday_run_to_the_next_business_day():
    # Ley 4 de 1913, art. 62. 12 Dec 2026 + 1 month = Tuesday 12 Jan 2027: a business day.
    assert due_date(date(2026, 12, 12), Term(1, Unit.MONTHS, "")) == date(2027, 1, 12)
    # 11 Dec 2026 + 1 month = Monday 11 Jan 2027 (Reyes moved): runs to Tuesday.
    assert due_date(date(2026, 12, 11), Term(1, Unit.MONTHS, "")) == date(2027, 1, 12)
    # 1 Jan 2022 + 5 years = Friday 1 Jan 2027 (holiday): runs to Monday 4 January.
    assert due_date(date(2022, 1, 1), Term(5, Unit.YEARS, "")) == date(2027, 1, 4)
    # 10 calendar days from 22 Dec 2026 end on Friday 1 Jan 2027: run to Monday 4 January.
    assert due_date(date(2026, 12, 22), Term(10, Unit.CALENDAR_DAYS, "")) == date(2027, 1, 4)


def test_each_unit_is_explicit_and_described_in_spanish():
    assert Term(3, Unit.BUSINESS_DAYS, "").describe() == "3 días hábiles"
    assert Term(1, Unit.BUSINESS_DAYS, "").describe() == "1 día hábil"
    assert Term(10, Unit.CALENDAR_DAYS, "").describe() == "10 días calendario"
    assert Term(1, Unit.MONTHS, "").describe() == "1 mes"
    assert Term(5, Unit.YEARS, "").describe() == "5 años"


def test_a_negative_term_is_refused():
    with pytest.raises(ValueError):
        due_date(date(2026, 3, 2), Term(-1, Unit.MONTHS, ""))


def test_the_provisional_nit_term_is_fifteen_business_days(settings):
    term = provisional_nit_term()
    assert (term.amount, term.unit) == (15, Unit.BUSINESS_DAYS)
    # Issued Friday 11 Dec 2026: the 15 business days skip 25 December and 1 January.
    assert due_date(date(2026, 12, 11), term) == date(2027, 1, 5)


def test_business_day_on_or_after_keeps_a_business_day():
    assert business_day_on_or_after(date(2026, 3, 24)) == date(2026, 3, 24)
    assert business_day_on_or_after(date(2026, 3, 21)) == date(2026, 3, 24)
