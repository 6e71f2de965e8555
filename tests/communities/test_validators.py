import pytest
from django.core.exceptions import ValidationError

from communities.validators import (
    compact,
    department_code_for_postal_code,
    siret_is_valid,
    validate_postal_code,
    validate_rna,
    validate_siret,
)

VALID_SIRETS = [
    "73282932000074",  # a classic Luhn-valid example
    "35600000000048",  # La Poste's head office follows Luhn
    "35600000049837",  # other La Poste establishments: digit sum divisible by 5
]


@pytest.mark.parametrize("siret", VALID_SIRETS)
def test_valid_sirets_pass(siret):
    validate_siret(siret)
    assert siret_is_valid(siret)


@pytest.mark.parametrize(
    ("siret", "code"),
    [
        ("73282932000075", "siret_checksum"),  # last digit mistyped
        ("73282932000047", "siret_checksum"),  # two digits swapped
        ("35600000049838", "siret_checksum"),  # La Poste rule broken
        ("7328293200007", "siret_length"),
        ("732829320000745", "siret_length"),
        ("7328293200007A", "siret_length"),
        ("", "siret_length"),
    ],
)
def test_invalid_sirets_are_refused_with_a_reason(siret, code):
    with pytest.raises(ValidationError) as error:
        validate_siret(siret)
    assert error.value.code == code


def test_compact_removes_what_people_type_between_digits():
    assert compact(" 732 829 320 00074 ") == "73282932000074"
    assert compact("w751-234.567") == "W751234567"


@pytest.mark.parametrize("rna", ["W751234567", "W2A1000001", "W2B0012345", "W971000123"])
def test_valid_rna_numbers_pass(rna):
    validate_rna(rna)


@pytest.mark.parametrize("rna", ["751234567", "W75123456", "W7512345678", "X751234567",
                                 "W2C1000001", "W75123456A", ""])
def test_invalid_rna_numbers_are_refused(rna):
    with pytest.raises(ValidationError) as error:
        validate_rna(rna)
    assert error.value.code == "rna_format"


@pytest.mark.parametrize("code", ["7500", "750012", "75OO2", ""])
def test_invalid_postal_codes_are_refused(code):
    with pytest.raises(ValidationError):
        validate_postal_code(code)


@pytest.mark.parametrize(
    ("postal_code", "department"),
    [("75002", "75"), ("58000", "58"), ("20000", "2A"), ("20090", "2A"), ("20200", "2B"),
     ("20600", "2B"), ("97400", "974"), ("97600", "976"), ("01000", "01"), ("bad", None)],
)
def test_department_is_deduced_from_the_postal_code(postal_code, department):
    assert department_code_for_postal_code(postal_code) == department
