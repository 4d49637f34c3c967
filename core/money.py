"""
Money, in exactly one place: amounts are integer cents everywhere (database, Stripe, totals);
this module parses what people type into cents and formats cents for people. No floats.
"""

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import forms
from django.utils.formats import number_format
from django.utils.translation import gettext as _

# Stripe's US card pricing (2.9 % + 30¢): the "cover the fee" option adds exactly this much.
FEE_PERCENT = Decimal("0.029")
FEE_FIXED_CENTS = 30

# ASCII digits only ([0-9], not \d: Python's \d also takes "٥٠", which the gift form's script
# could never total the same way).
_AMOUNT_RE = re.compile(r"^\$?\s*([0-9]{1,3}(,[0-9]{3})+|[0-9]+)(\.[0-9]{1,2})?$")


def parse_amount(text: str) -> int:
    """
    Parse a donor-typed dollar amount ("25", "$1,000", "19.99") into cents.

    Raises ValueError with a message a donor understands. Accepts at most two decimals
    ("whole cents"); rejects signs, exponents, NaN, infinity and anything else.
    """
    if text is None:
        raise ValueError(_("Enter an amount."))
    cleaned = str(text).strip()
    if not cleaned:
        raise ValueError(_("Enter an amount."))
    if len(cleaned) > 20 or not _AMOUNT_RE.match(cleaned):
        raise ValueError(_("Enter the amount in dollars, like 50 or 50.00."))
    digits = cleaned.lstrip("$").strip().replace(",", "")
    try:
        value = Decimal(digits)
    except InvalidOperation as error:  # pragma: no cover - the regex already guards this
        raise ValueError(_("Enter the amount in dollars, like 50 or 50.00.")) from error
    return int((value * 100).to_integral_value(rounding=ROUND_HALF_UP))


def parse_preset_amounts(text: str) -> list[int]:
    """ "25, 50, 100" → [25, 50, 100] (whole dollars, positive, distinct, ascending)."""
    amounts = []
    for part in (text or "").split(","):
        part = part.strip().lstrip("$")
        if not part:
            continue
        if not part.isdigit() or int(part) <= 0:
            raise ValueError(_("“%(part)s” is not a whole dollar amount.") % {"part": part})
        amounts.append(int(part))
    return sorted(set(amounts))


def fee_cents(amount_cents: int) -> int:
    """
    What to add to a gift so that, after the card fee on the total, the campaign receives the
    whole gift: solve total - (total * pct + fixed) = amount for total, rounded up to a cent.
    """
    total = (Decimal(amount_cents) + FEE_FIXED_CENTS) / (1 - FEE_PERCENT)
    return int(total.to_integral_value(rounding="ROUND_CEILING")) - amount_cents


def format_cents(cents: int, *, currency: str = "usd", whole: bool = False) -> str:
    """12345 → "$123.45"; with whole=True and no cents, "$123"; negative amounts keep their sign."""
    if currency.lower() != "usd":  # pragma: no cover - the site raises dollars only
        raise ValueError(f"Unsupported currency {currency!r}")
    sign = "-" if cents < 0 else ""
    cents = abs(int(cents))
    dollars = Decimal(cents) / 100
    places = 0 if whole and cents % 100 == 0 else 2
    return f"{sign}${number_format(dollars, decimal_pos=places, use_l10n=True, force_grouping=True)}"


def dollars_to_cents(dollars: int) -> int:
    return int(dollars) * 100


class DollarsField(forms.Field):
    """
    An amount staff type in dollars ("5,000,000", "1250.50"), cleaned to integer cents: the one
    place the admin's forms convert. Shows a saved amount (cents) back as dollars.
    """

    def __init__(self, **kwargs):
        attrs = {"inputmode": "decimal", "autocomplete": "off", "maxlength": "20"}
        kwargs.setdefault("widget", forms.TextInput(attrs=attrs))
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):  # a saved amount, in cents; typed text is shown back as typed
            return f"{value // 100}.{value % 100:02d}"
        return value

    def to_python(self, value):
        text = str(value).strip() if value is not None else ""
        if not text:
            return None
        try:
            return parse_amount(text)
        except ValueError as error:
            raise forms.ValidationError(str(error), code="invalid") from error
