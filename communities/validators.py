"""Validators for French identifiers: SIRET (Luhn checksum), RNA and postal codes."""

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# La Poste's establishments share one SIREN; except its head office, their SIRET does not
# follow Luhn but has a digit sum divisible by 5.
LA_POSTE_SIREN = "356000000"
LA_POSTE_HEAD_OFFICE = "35600000000048"

RNA_PATTERN = re.compile(r"^W(?:\d{9}|2[AB]\d{7})$")
POSTAL_CODE_PATTERN = re.compile(r"^\d{5}$")


def compact(value: str) -> str:
    """Drop the spaces, dots and dashes people type inside identifiers."""
    return re.sub(r"[\s.\-]", "", value or "").upper()


def luhn_is_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        digit = int(char)
        if position % 2 == 1:
            digit *= 2
            if digit > 9:
                digit -= 9
        total += digit
    return total % 10 == 0


def siret_is_valid(value: str) -> bool:
    if len(value) != 14 or not value.isdigit():
        return False
    if value.startswith(LA_POSTE_SIREN) and value != LA_POSTE_HEAD_OFFICE:
        return sum(int(c) for c in value) % 5 == 0
    return luhn_is_valid(value)


def validate_siret(value: str) -> None:
    if len(value) != 14 or not value.isdigit():
        raise ValidationError(
            _("A SIRET has exactly 14 digits (you typed %(count)d characters)."),
            code="siret_length",
            params={"count": len(value)},
        )
    if not siret_is_valid(value):
        raise ValidationError(
            _("This SIRET fails its checksum: check for a mistyped digit."),
            code="siret_checksum",
        )


def validate_rna(value: str) -> None:
    if not RNA_PATTERN.match(value):
        raise ValidationError(
            _("An RNA number is the letter W followed by 9 digits, e.g. W751234567."),
            code="rna_format",
        )


def validate_postal_code(value: str) -> None:
    if not POSTAL_CODE_PATTERN.match(value):
        raise ValidationError(_("A postal code has 5 digits."), code="postal_code_format")


def department_code_for_postal_code(postal_code: str) -> str | None:
    """Guess the INSEE département code from a postal code (Corsica and overseas included)."""
    if not POSTAL_CODE_PATTERN.match(postal_code or ""):
        return None
    if postal_code.startswith("97"):
        return postal_code[:3]
    if postal_code.startswith("20"):
        return "2A" if int(postal_code) < 20200 else "2B"
    return postal_code[:2]
