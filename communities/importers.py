"""Importing structures from a spreadsheet (essaimage.imports): matched by SIRET, else RNA,
else external reference; created or updated in batches, with their history."""

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator, URLValidator
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from essaimage.bulk import create_with_history
from essaimage.imports import Analysis, Cells, Column, Importer
from essaimage.imports.values import french_labels, text_of
from essaimage.roles import Role, has_role

from .models import Structure, Territory
from .models.people import fold
from .validators import (
    compact,
    department_code_for_postal_code,
    validate_postal_code,
    validate_rna,
    validate_siret,
)

BATCH = 5000
# Keys looked up per query: large IN lists are slower than several smaller ones.
LOOKUP_CHUNK = 5000
PROGRESS_EVERY = 2000


def _chunks(values: list, size: int = LOOKUP_CHUNK):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def clean_department_code(value) -> str:
    """"1" → "01", "2a" → "2A", "974" stays: the INSEE code as Territory keeps it."""
    code = text_of(value).upper().replace(" ", "")
    if code.isdigit() and len(code) == 1:
        code = code.zfill(2)
    return code


def clean_postal_code(value) -> str:
    """A postal code an XLSX stored as a number lost its leading zero: 1000 → "01000"."""
    code = text_of(value).replace(" ", "")
    return code.zfill(5) if code.isdigit() and len(code) == 4 else code


def departments_by_code() -> dict[str, Territory]:
    return {territory.code: territory for territory in Territory.objects.departments()}


def read_department(cells: Cells, key: str, departments: dict, *, required: bool = False):
    """The département of a column holding its INSEE code; an unknown code is an error."""
    code = clean_department_code(cells.raw(key))
    if not code:
        if required:
            cells.fail(key, _("This column must be filled in."), "")
        return None
    territory = departments.get(code)
    if territory is None:
        cells.fail(key, _("Unknown département code “%(code)s” (write its INSEE code, e.g. "
                          "58, 2A or 974).") % {"code": code})
    return territory


def _validated(cells: Cells, key: str, value: str, validator) -> str:
    if not value:
        return ""
    try:
        validator(value)
    except ValidationError as error:
        cells.fail(key, " ".join(error.messages))
        return ""
    return value


class StructureFinder:
    """Finds structures by SIRET, RNA or external reference, for many rows in a few queries:
    load the keys of every row first, then ask row by row."""

    def __init__(self):
        self.by = {"siret": {}, "rna": {}, "external_ref": {}}

    def load(self, keys: dict[str, set]) -> None:
        for field, values in keys.items():
            values = sorted(value for value in values if value)
            for chunk in _chunks(values):
                self.by[field].update(Structure.objects.filter(**{f"{field}__in": chunk})
                                      .values_list(field, "pk"))

    def find(self, *, siret="", rna="", external_ref="") -> tuple[set, list[str]]:
        """The ids of the structures the keys designate (more than one is a conflict), and
        which keys found them."""
        found, fields = set(), []
        for field, value in (("siret", siret), ("rna", rna), ("external_ref", external_ref)):
            pk = self.by[field].get(value) if value else None
            if pk is not None:
                found.add(pk)
                fields.append(field)
        return found, fields


def structure_keys(cells: Cells, siret_key="siret", rna_key="rna", ref_key="external_ref"):
    """The SIRET, RNA and external reference of a row, compacted and checked."""
    siret = _validated(cells, siret_key, compact(text_of(cells.raw(siret_key))), validate_siret)
    rna = _validated(cells, rna_key, compact(text_of(cells.raw(rna_key))), validate_rna)
    ref = cells.text(ref_key, max_length=100)
    return siret, rna, ref


def may_import_reference_data(user) -> bool:
    """Structures and innovations are imported by programme staff and admins."""
    return user.is_authenticated and (user.is_superuser or has_role(user, Role.PROGRAMME_STAFF))


UPDATABLE = ("name", "acronym", "kind", "siret", "rna", "external_ref", "street_address",
             "postal_code", "city", "department", "website", "email", "phone", "description")


class StructureImporter(Importer):
    key = "structures"
    label = gettext_lazy("Structures")
    description = gettext_lazy(
        "Associations, companies, local authorities… matched by SIRET, else RNA, else "
        "external reference: a known structure is updated, another one created. Blank cells "
        "leave what the platform knows unchanged.")
    template_name = "modele-structures"
    columns = (
        Column("siret", "SIRET", gettext_lazy("14 digits, checked (Luhn)."),
               example="82012345600015"),
        Column("rna", "RNA", gettext_lazy("For associations: W followed by 9 digits."),
               example="W581234567"),
        Column("external_ref", "Référence externe",
               gettext_lazy("The structure's identifier in your own tool."),
               example="CRM-0042", aliases=("reference", "ref externe")),
        Column("name", "Nom", gettext_lazy("The structure's name."), required=True,
               example="Essor Emploi Nièvre", aliases=("raison sociale", "name")),
        Column("acronym", "Sigle", gettext_lazy("Its acronym, if it has one."),
               example="EEN"),
        Column("kind", "Type", gettext_lazy("One of the allowed values."), required=True,
               example="Association"),
        Column("street_address", "Adresse", gettext_lazy("Street and number."),
               example="12 rue des Forges"),
        Column("postal_code", "Code postal", gettext_lazy("5 digits."), example="58000"),
        Column("city", "Ville", gettext_lazy("The commune."), example="Nevers",
               aliases=("commune",)),
        Column("department", "Département",
               gettext_lazy("INSEE code (58, 2A, 974); deduced from the postal code when "
                            "blank."), example="58", aliases=("code departement",)),
        Column("website", "Site web", gettext_lazy("Address starting with https://."),
               example="https://essor-emploi.example.org"),
        Column("email", "E-mail", gettext_lazy("Contact e-mail."),
               example="contact@essor-emploi.example.org", aliases=("email", "courriel")),
        Column("phone", "Téléphone", gettext_lazy("Phone number."), example="03 86 00 00 00"),
        Column("description", "Description", gettext_lazy("What the structure does."),
               example="Accompagnement vers l'emploi"),
    )

    def may_import(self, user) -> bool:
        return may_import_reference_data(user)

    def allowed_values(self, user) -> dict[str, list[str]]:
        return {"kind": french_labels(Structure.Kind)}

    def result_url(self, job) -> str:
        return reverse("communities:structure_list")

    def analyse(self, rows, *, user, analysis: Analysis, progress) -> None:
        departments = departments_by_code()
        finder = StructureFinder()
        finder.load({
            "siret": {compact(text_of(row.values.get("siret"))) for row in rows},
            "rna": {compact(text_of(row.values.get("rna"))) for row in rows},
            "external_ref": {text_of(row.values.get("external_ref")) for row in rows},
        })
        cleaned = []
        for done, row in enumerate(rows, start=1):
            values = self._clean(row, analysis, departments, finder)
            if values is not None:
                cleaned.append(values)
            if done % PROGRESS_EVERY == 0:
                progress(done)
        now = timezone.now()
        existing = {}
        ids = sorted({values["pk"] for _row, values in cleaned if values["pk"]})
        for chunk in _chunks(ids):
            existing.update(Structure.objects.in_bulk(chunk))
        for row, values in cleaned:
            pk = values.pop("pk")
            if pk:
                structure = existing[pk]
                structure.updated_at = now
                for name, value in values.items():
                    # Blank cells leave what is known unchanged.
                    if value not in ("", None):
                        setattr(structure, name, value)
                self._derive(structure, departments)
                analysis.update(row, structure.name, structure)
            else:
                structure = Structure(created_by=user, **values)
                self._derive(structure, departments)
                analysis.create(row, structure.name, structure)
        progress(len(rows))

    @staticmethod
    def _derive(structure: Structure, departments: dict) -> None:
        # What Structure.save() does, which bulk writes skip.
        if structure.department is None and structure.postal_code:
            code = department_code_for_postal_code(structure.postal_code)
            structure.department = departments.get(code)
        structure.region_id = structure.department.parent_id if structure.department else None
        structure.search_text = fold(" ".join([structure.name, structure.acronym,
                                               structure.city, structure.siret,
                                               structure.rna]))

    def _clean(self, row, analysis: Analysis, departments: dict, finder: StructureFinder):
        cells = Cells(row, analysis)
        siret, rna, ref = structure_keys(cells)
        field = Structure._meta.get_field
        values = {
            "name": cells.text("name", max_length=field("name").max_length, required=True),
            "acronym": cells.text("acronym", max_length=field("acronym").max_length),
            "kind": cells.choice("kind", Structure.Kind, required=True),
            "siret": siret, "rna": rna, "external_ref": ref,
            "street_address": cells.text("street_address",
                                         max_length=field("street_address").max_length),
            "postal_code": _validated(cells, "postal_code",
                                      clean_postal_code(cells.raw("postal_code")),
                                      validate_postal_code),
            "city": cells.text("city", max_length=field("city").max_length),
            "department": read_department(cells, "department", departments),
            "website": _validated(cells, "website", cells.text("website", max_length=200),
                                  URLValidator()),
            "email": _validated(cells, "email", cells.text("email", max_length=254),
                                EmailValidator()),
            "phone": cells.text("phone", max_length=field("phone").max_length),
            "description": cells.text("description"),
        }
        for key, value in (("siret", siret), ("rna", rna), ("external_ref", ref)):
            earlier = analysis.first_seen(key, value, row)
            if earlier is not None:
                cells.fail(key, _("Row %(row)d has the same value: one structure per row.")
                           % {"row": earlier})
        found, fields = finder.find(siret=siret, rna=rna, external_ref=ref)
        if len(found) > 1:
            headers = ", ".join(self.column(name).header for name in fields)
            cells.fail(fields[0], _("%(columns)s designate different structures of the "
                                    "platform.") % {"columns": headers})
        if not cells.ok:
            return None
        values["pk"] = next(iter(found)) if found else None
        return row, values

    def apply(self, analysis: Analysis, *, user, progress) -> dict:
        creates = [change.payload for change in analysis.creates]
        updates = [change.payload for change in analysis.updates]
        reason = "import"
        for start in range(0, len(creates), BATCH):
            create_with_history(creates[start:start + BATCH], Structure, user=user,
                                reason=reason)
            progress(start + BATCH)
        if updates:
            bulk_update_with_history(updates, Structure,
                                     fields=[*UPDATABLE, "region", "search_text", "updated_at"],
                                     batch_size=BATCH, default_user=user,
                                     default_change_reason=reason)
        progress(len(creates) + len(updates))
        return {"created": len(creates), "updated": len(updates)}
