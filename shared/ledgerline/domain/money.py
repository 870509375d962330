"""Money is an integer number of cents end to end; Decimal only where a rate makes fractions."""

from decimal import ROUND_HALF_EVEN, Decimal

MAX_CENTS = 10**13
"""Largest amount one request may carry (100 billion in the currency's major unit)."""


def round_half_even(value: Decimal) -> int:
    """Round a Decimal amount of cents to a whole cent, ties to even (banker's rounding)."""
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_EVEN))
