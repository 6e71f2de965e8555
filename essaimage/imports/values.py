"""Cells as French spreadsheets hold them: decimal commas and spaces between thousands
("1 234,5"), dates as JJ/MM/AAAA (or ISO, or real XLSX dates), "oui"/"non", headers typed
with any case and accents."""

import functools
import re
import unicodedata
from datetime import date, datetime
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _


class BadValue(ValueError):
    """A cell that does not hold what its column expects; `reason` is for the person."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def fold_header(text: str) -> str:
    """Lower case, no accents, words separated by one space: "Code  postal*" and
    "code postal" are the same header."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", plain).split())


def text_of(value) -> str:
    """A cell as text: numbers from XLSX without a trailing ".0", dates as JJ/MM/AAAA."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, Decimal):
        return str(value.to_integral_value()) if value == value.to_integral_value() else str(value)
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y %H:%M") if value.time() != datetime.min.time() \
            else value.strftime("%d/%m/%Y")
    if isinstance(value, date):
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


NUMBER = re.compile(r"^[+-]?(\d+([.,]\d*)?|[.,]\d+)$")


def parse_decimal(value) -> Decimal | None:
    """"1 234,5", "1234.5", "12,5" or an XLSX number; None when blank."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise BadValue(_("Not a number."))
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, float):
        return Decimal(repr(value))
    text = str(value).strip()
    for space in ("\u202f", "\xa0", " "):
        text = text.replace(space, "")
    if not text:
        return None
    if not NUMBER.match(text):
        raise BadValue(_("“%(value)s” is not a number (write 1234,5 or 1 234,5).")
                       % {"value": value})
    try:
        number = Decimal(text.replace(",", "."))
    except InvalidOperation:
        raise BadValue(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise BadValue(_("“%(value)s” is not a number.") % {"value": value})
    return number


DATE_FR = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
DATE_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(value) -> date | None:
    """31/12/2025, 2025-12-31 or an XLSX date; None when blank."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    # An ISO date with a time, as some tools export them: keep the day.
    text = text.split("T")[0].split(" ")[0] if DATE_ISO.match(text[:10]) else text
    match = DATE_FR.match(text)
    if match:
        day, month, year = (int(part) for part in match.groups())
    else:
        match = DATE_ISO.match(text)
        if not match:
            raise BadValue(_("“%(value)s” is not a date (write JJ/MM/AAAA, e.g. 31/12/2025).")
                           % {"value": value})
        year, month, day = (int(part) for part in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise BadValue(_("“%(value)s” is not a day of the calendar.") % {"value": value}) \
            from None


TRUE = {"oui", "o", "yes", "y", "vrai", "true", "1", "x"}
FALSE = {"non", "n", "no", "faux", "false", "0"}


def parse_boolean(value) -> bool | None:
    """"oui"/"non" (or yes/no, vrai/faux, 1/0); None when blank."""
    if value is None:
        return None
    if isinstance(value, bool):
        return value
    text = fold_header(text_of(value))
    if not text:
        return None
    if text in TRUE:
        return True
    if text in FALSE:
        return False
    raise BadValue(_("Write “oui” or “non”."))


@functools.cache
def choice_lookup(choices) -> dict[str, str]:
    """Every way of writing a choice (its value, its label in French and in English), folded,
    to its value; computed once per set of choices (it is asked for on every row)."""
    from django.utils import translation

    lookup = {}
    for value, label in choices.choices:
        lookup[fold_header(value)] = value
        for language in ("fr", "en"):
            with translation.override(language):
                lookup[fold_header(str(label))] = value
    return lookup


def french_labels(choices) -> list[str]:
    """The labels of a TextChoices in French, as the templates list them."""
    from django.utils import translation

    with translation.override("fr"):
        return [str(label) for _value, label in choices.choices]


FORMULA_START = ("=", "@")


def looks_like_formula(text: str) -> bool:
    """A cell a spreadsheet would run: =..., @..., or +/- followed by something that is not
    a number ("-5", "-2,5" and "+33 (0)1 23 45 67 89" are values; "-2+3" and "+A1" are
    not)."""
    if not text:
        return False
    if text[0] in FORMULA_START:
        return True
    if text[0] in "+-":
        rest = re.sub(r"[\s.,()]", "", text[1:])
        return not rest.isdigit()
    return False
