"""The sandbox's tax, landed-cost and selling-entity tables, in one place.

These rates are *sandbox fixtures*, not tax advice: they are chosen so that the
documented Digital River examples reproduce exactly (contract §6.1) and so that
tests can predict every number.

* ``US`` + ``MN`` is ``0.07525``: every documented US example uses it.
* A US address whose state is missing or not listed also gets ``0.07525``, so
  integrations that send only a country still see the documented numbers.
* Any other country not listed gets :data:`DEFAULT_RATE` (``0.10``).
* With no ``shipTo``/``billTo``/``purchaseLocation`` country at all, the rate is
  ``0`` (DR shows ``totalTax: 0.0`` for address-less checkouts; contract §6.1).

Landed cost (DR-GB ``landed-costs.md``): goods shipped from outside the EU to an
EU country are cross-border. If their value (after discounts, excluding
shipping) exceeds :data:`EU_DE_MINIMIS` (150) and the shipping terms are DDP,
the importer of record collects duty at :data:`EU_DUTY_RATE` and import VAT on
``amount + duty``; at or below the threshold DR Ireland collects plain VAT. The
documented example (75 + 76 EUR to BE from US: duty 12.75 + 12.92, importer tax
18.43 + 18.67, total 213.77) reproduces exactly with BE VAT 0.21 and duty 0.17.
The threshold is compared numerically in the checkout's currency (a sandbox
simplification: there is no currency conversion).
"""

from __future__ import annotations

from decimal import Decimal

__all__ = [
    "COUNTRY_RATES",
    "DEFAULT_RATE",
    "EMBARGOED_COUNTRIES",
    "EU_COUNTRIES",
    "EU_DE_MINIMIS",
    "EU_DUTY_RATE",
    "IOSS_SELLER_TAX_ID",
    "SELLING_ENTITY_EU",
    "SELLING_ENTITY_DEFAULT",
    "US_FALLBACK_RATE",
    "US_STATE_RATES",
    "selling_entity_for",
    "tax_rate_for",
]

DEFAULT_RATE = Decimal("0.10")
US_FALLBACK_RATE = Decimal("0.07525")

US_STATE_RATES: dict[str, Decimal] = {
    "MN": Decimal("0.07525"),
    "CA": Decimal("0.0725"),
    "NY": Decimal("0.08875"),
    "TX": Decimal("0.0825"),
    "WA": Decimal("0.065"),
    "FL": Decimal("0.06"),
    "IL": Decimal("0.0625"),
    "MA": Decimal("0.0625"),
    "NJ": Decimal("0.06625"),
    "PA": Decimal("0.06"),
    # States without a general sales tax.
    "OR": Decimal("0"),
    "MT": Decimal("0"),
    "NH": Decimal("0"),
    "DE": Decimal("0"),
    "AK": Decimal("0"),
}

COUNTRY_RATES: dict[str, Decimal] = {
    # EU standard VAT rates (sandbox values).
    "AT": Decimal("0.20"),
    "BE": Decimal("0.21"),
    "BG": Decimal("0.20"),
    "CY": Decimal("0.19"),
    "CZ": Decimal("0.21"),
    "DE": Decimal("0.19"),
    "DK": Decimal("0.25"),
    "EE": Decimal("0.22"),
    "ES": Decimal("0.21"),
    "FI": Decimal("0.24"),
    "FR": Decimal("0.20"),
    "GR": Decimal("0.24"),
    "HR": Decimal("0.25"),
    "HU": Decimal("0.27"),
    "IE": Decimal("0.23"),
    "IT": Decimal("0.22"),
    "LT": Decimal("0.21"),
    "LU": Decimal("0.17"),
    "LV": Decimal("0.21"),
    "MT": Decimal("0.18"),
    "NL": Decimal("0.21"),
    "PL": Decimal("0.23"),
    "PT": Decimal("0.23"),
    "RO": Decimal("0.19"),
    "SE": Decimal("0.25"),
    "SI": Decimal("0.22"),
    "SK": Decimal("0.20"),
    # Elsewhere.
    "GB": Decimal("0.20"),
    "CH": Decimal("0.081"),
    "NO": Decimal("0.25"),
    "CA": Decimal("0.05"),
    "AU": Decimal("0.10"),
    "NZ": Decimal("0.15"),
    "JP": Decimal("0.10"),
    "SG": Decimal("0.09"),
}

EU_COUNTRIES: frozenset[str] = frozenset(
    [
        "AT",
        "BE",
        "BG",
        "CY",
        "CZ",
        "DE",
        "DK",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "HU",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PL",
        "PT",
        "RO",
        "SE",
        "SI",
        "SK",
    ]
)
EU_DUTY_RATE = Decimal("0.17")
EU_DE_MINIMIS = Decimal("150")
# DR Ireland's Import One-Stop Shop number from the documented example.
IOSS_SELLER_TAX_ID = "IM3720000202"

# Shipping to these returns 409 country_unsupported (DR-GB landed-costs.md).
EMBARGOED_COUNTRIES: frozenset[str] = frozenset({"CU", "IR", "KP", "SY"})

SELLING_ENTITY_DEFAULT: dict[str, str] = {"id": "C5_INC-ENTITY", "name": "DR globalTech Inc."}
SELLING_ENTITY_EU: dict[str, str] = {
    "id": "DR_IRELAND-ENTITY",
    "name": "Digital River Ireland Ltd.",
}


def tax_rate_for(country: str | None, state: str | None) -> Decimal:
    """The rate for a destination; ``0`` when no country is known."""
    if not country:
        return Decimal("0")
    if country == "US":
        return US_STATE_RATES.get(state or "", US_FALLBACK_RATE)
    return COUNTRY_RATES.get(country, DEFAULT_RATE)


def selling_entity_for(country: str | None) -> dict[str, str]:
    """EU destinations are sold by DR Ireland; everything else by DR globalTech."""
    if country in EU_COUNTRIES:
        return dict(SELLING_ENTITY_EU)
    return dict(SELLING_ENTITY_DEFAULT)
