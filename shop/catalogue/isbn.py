"""ISBN-13: the identifier of every book edition we sell (R-C1)."""

from django.core.exceptions import ValidationError


def isbn13_check_digit(first_twelve: str) -> str:
    """The check digit that completes twelve ISBN digits (weights 1,3,1,3...; mod 10)."""
    total = sum(int(digit) * (1 if index % 2 == 0 else 3) for index, digit in enumerate(first_twelve))
    return str((10 - total % 10) % 10)


def normalise_isbn(value: str) -> str:
    """Strip the hyphens and spaces readers and publishers put in ISBNs."""
    return "".join(ch for ch in (value or "") if ch not in "- ")


def validate_isbn13(value: str) -> None:
    """Raise ValidationError unless ``value`` is a well-formed ISBN-13 with a valid check digit."""
    isbn = normalise_isbn(value)
    if len(isbn) != 13 or not isbn.isdigit():
        raise ValidationError("An ISBN-13 has exactly 13 digits.", code="isbn_length")
    if not isbn.startswith(("978", "979")):
        raise ValidationError("An ISBN-13 starts with 978 or 979.", code="isbn_prefix")
    if isbn13_check_digit(isbn[:12]) != isbn[12]:
        raise ValidationError("This ISBN-13 has a wrong check digit.", code="isbn_check_digit")
