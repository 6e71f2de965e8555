"""The columns of the communities' exports (see essaimage.exports)."""

from django.utils.translation import gettext_lazy as _

from essaimage.exports import BOOL, CHOICE, DATE, Column

from .models import Structure


def _territory(territory) -> str:
    return "" if territory is None else str(territory)


STRUCTURE_COLUMNS = [
    Column(_("Name"), "name", width=40),
    Column(_("Acronym"), "acronym"),
    Column(_("Kind"), "kind", CHOICE, choices=Structure.Kind, width=24),
    Column(_("SIRET"), "siret", width=16),
    Column(_("RNA number"), "rna"),
    Column(_("Address"), "street_address", width=32),
    Column(_("Postal code"), "postal_code"),
    Column(_("City"), "city", width=20),
    Column(_("Département"), lambda structure: _territory(structure.department), width=24),
    Column(_("Region"), lambda structure: _territory(structure.region), width=24),
    Column(_("Website"), "website", width=30),
    Column(_("Contact e-mail"), "email", width=30),
    Column(_("Phone"), "phone"),
    Column(_("Added to the directory on"), "created_at", DATE),
    Column(_("Archived"), "is_archived", BOOL),
]
