"""How many minor units a currency's major unit has: what an amount of "cents" is worth in it.

Ledgerline keeps every amount as an integer number of the business currency's minor unit (cents for
USD and EUR, yen for JPY, fils for KWD). Only where an amount is shown in major units — an export to
another accounting tool — does the exponent matter. ISO 4217's exponents; 2 for every code not listed.
"""

from decimal import Decimal

EXPONENTS: dict[str, int] = {
    **dict.fromkeys(
        (
            "BIF",
            "CLP",
            "DJF",
            "GNF",
            "ISK",
            "JPY",
            "KMF",
            "KRW",
            "PYG",
            "RWF",
            "UGX",
            "UYI",
            "VND",
            "VUV",
            "XAF",
            "XOF",
            "XPF",
        ),
        0,
    ),
    **dict.fromkeys(("BHD", "IQD", "JOD", "KWD", "LYD", "OMR", "TND"), 3),
    **dict.fromkeys(("CLF", "UYW"), 4),
}
"""ISO 4217 currencies whose minor unit is not a hundredth (the funds codes included)."""
DEFAULT_EXPONENT = 2


def exponent(currency: str) -> int:
    """The number of decimal places of ``currency`` (ISO 4217; 2 when unknown)."""
    return EXPONENTS.get(currency.upper(), DEFAULT_EXPONENT)


def major_units(minor: int, currency: str) -> str:
    """``minor`` units as a plain decimal of the major unit with exactly the currency's places:
    ``12345`` USD → ``"123.45"``, ``-5`` USD → ``"-0.05"``, ``1200`` JPY → ``"1200"``. Exact (no float)."""
    places = exponent(currency)
    return format(Decimal(minor).scaleb(-places), f".{places}f")
