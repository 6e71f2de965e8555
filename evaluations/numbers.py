"""Reading numbers typed by people: French decimal commas, spaces between thousands."""

from decimal import Decimal, InvalidOperation

from .models.base import VALUE_DIGITS

# The largest magnitude a value column holds (14 digits, 4 of them decimals).
VALUE_LIMIT = Decimal(10) ** (VALUE_DIGITS["max_digits"] - VALUE_DIGITS["decimal_places"])


class NotANumber(ValueError):
    pass


class TooLarge(ValueError):
    pass


def parse_decimal(raw) -> Decimal | None:
    """Return the number `raw` holds, None when it is blank; raise NotANumber or TooLarge.

    Accepts what forms and imports hand over: Decimals, ints, and text such as "1 250,5".
    Floats are refused: they would carry binary noise into stored figures.
    """
    if raw is None:
        return None
    if isinstance(raw, bool) or isinstance(raw, float):
        raise NotANumber(raw)
    if isinstance(raw, Decimal | int):
        number = Decimal(raw)
    else:
        text = str(raw).strip().replace("\u202f", "").replace("\xa0", "").replace(" ", "")
        if not text:
            return None
        try:
            number = Decimal(text.replace(",", "."))
        except InvalidOperation:
            raise NotANumber(raw) from None
    if not number.is_finite():
        raise NotANumber(raw)
    if abs(number) >= VALUE_LIMIT:
        raise TooLarge(raw)
    return number.quantize(Decimal(1).scaleb(-VALUE_DIGITS["decimal_places"]))


def parse_level(raw) -> int | None:
    """Return the whole number `raw` holds, None when blank; raise NotANumber otherwise."""
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        return None
    if isinstance(raw, bool):
        raise NotANumber(raw)
    if isinstance(raw, int):
        return raw
    try:
        return int(str(raw).strip())
    except ValueError:
        raise NotANumber(raw) from None
