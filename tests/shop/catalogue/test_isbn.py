import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from shop.catalogue.isbn import isbn13_check_digit, normalise_isbn, validate_isbn13

twelve_digits = st.text(alphabet="0123456789", min_size=9, max_size=9).map(lambda rest: "978" + rest)


@given(twelve_digits)
def test_R_C1_every_isbn_completed_with_its_check_digit_is_valid(first_twelve):
    validate_isbn13(first_twelve + isbn13_check_digit(first_twelve))


@given(twelve_digits, st.integers(min_value=1, max_value=9))
def test_R_C1_a_wrong_check_digit_is_refused(first_twelve, offset):
    wrong = str((int(isbn13_check_digit(first_twelve)) + offset) % 10)
    with pytest.raises(ValidationError):
        validate_isbn13(first_twelve + wrong)


@pytest.mark.parametrize(
    "value, code",
    [
        ("978014032872", "isbn_length"),
        ("97801403287200", "isbn_length"),
        ("97801403287X9", "isbn_length"),
        ("1234567890128", "isbn_prefix"),
    ],
)
def test_R_C1_malformed_isbns_are_refused_with_a_reason(value, code):
    with pytest.raises(ValidationError) as refused:
        validate_isbn13(value)
    assert refused.value.code == code


def test_R_C1_known_isbn_with_hyphens_is_accepted():
    assert normalise_isbn("978-0-14-103614-4") == "9780141036144"
    validate_isbn13("978-0-14-103614-4")
