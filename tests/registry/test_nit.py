import pytest
from hypothesis import given
from hypothesis import strategies as st
from stdnum.co import nit as stdnum_nit

from registry.nit import InvalidNit, check_digit, format_nit, is_valid_form_number, parse_nit

# From shared/reference/nit_check_digit.md (python-stdnum 2.2 vectors, hand-checked rows first).
VECTORS = [
    ("800197268", 4),
    ("860034313", 7),
    ("12345678", 8),
    ("30000000", 1),
    ("860001986", 1),
    ("890903938", 8),
    ("900373913", 4),
    ("830114921", 1),
    ("899999068", 1),
    ("1020304050", 8),
    ("79123456", 0),
    ("1234567", 2),
    ("999999999", 4),
    ("1000000000", 1),
    ("10", 4),
    ("1", 8),
    ("700000", 4),
    ("899999034", 1),
]


@pytest.mark.parametrize(("base", "dv"), VECTORS)
def test_check_digit_matches_the_reference_vectors(base: str, dv: int) -> None:
    assert check_digit(base) == dv


@given(st.integers(min_value=1, max_value=10**15 - 1))
def test_check_digit_agrees_with_python_stdnum_on_any_nit(number: int) -> None:
    assert check_digit(str(number)) == int(stdnum_nit.calc_check_digit(str(number)))


def test_format_and_parse_round_trip() -> None:
    assert format_nit("900373913") == "900.373.913-4"
    assert format_nit("10") == "10-4"
    parsed = parse_nit("900.373.913-4")
    assert (parsed.number, parsed.check_digit) == ("900373913", 4)
    assert str(parse_nit("9003739134")) == "900.373.913-4"


def test_a_wrong_check_digit_is_refused_naming_the_nit() -> None:
    with pytest.raises(InvalidNit) as error:
        parse_nit("900.373.913-5")
    assert error.value.message == "El dígito de verificación del NIT 900.373.913 es 4, no 5."
    assert error.value.field == "nit"


@pytest.mark.parametrize("text", ["", "abc", "9", "1234567890123456789", "900-373-91X-4"])
def test_malformed_nits_are_refused_in_spanish(text: str) -> None:
    with pytest.raises(InvalidNit) as error:
        parse_nit(text)
    assert "NIT" in error.value.message


def test_form_numbers_carry_their_own_check_digit() -> None:
    assert is_valid_form_number("14000000001" + str(check_digit("14000000001")))
    assert not is_valid_form_number(
        "140000000010" if check_digit("14000000001") != 0 else "140000000011"
    )
