"""Importing innovation records from a spreadsheet (essaimage.imports): matched by external
reference within their innovator; created as drafts, or updated, through the record's own
services (a version per change, a fresh search document)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.importers import StructureFinder, may_import_reference_data, structure_keys
from communities.models import Structure
from communities.validators import compact
from essaimage.imports import Analysis, Cells, Column, Importer
from essaimage.imports.values import french_labels, text_of

from .models import Innovation
from .permissions import can_edit_innovation
from .services.records import (
    CONDITIONS_FIELDS,
    DESCRIPTION_FIELDS,
    EVIDENCE_FIELDS,
    create_innovation,
    update_conditions,
    update_description,
    update_evidence,
)

PROGRESS_EVERY = 200


class InnovationImporter(Importer):
    key = "innovations"
    label = gettext_lazy("Innovations")
    description = gettext_lazy(
        "Innovation records, matched by their external reference within their innovator "
        "(found by SIRET, RNA or reference: import it first). New records are drafts; a "
        "known record is updated only by people who may edit it.")
    template_name = "modele-innovations"
    columns = (
        Column("external_ref", "Référence externe",
               gettext_lazy("The record's identifier in your own tool."), required=True,
               example="INNO-007"),
        Column("siret", "SIRET porteur", gettext_lazy("SIRET of the innovator."),
               example="82012345600015"),
        Column("rna", "RNA porteur", gettext_lazy("Or its RNA.")),
        Column("owner_ref", "Référence porteur", gettext_lazy("Or its external reference.")),
        Column("title", "Titre", gettext_lazy("The innovation's name."), required=True,
               example="TAPAJ"),
        Column("summary", "Résumé", gettext_lazy("At most 1,000 characters."), required=True,
               example="Travail alternatif payé à la journée"),
        Column("is_public_innovation", "Innovation publique", gettext_lazy("oui or non."),
               example="non"),
        Column("problem", "Problème traité", gettext_lazy("The problem addressed."),
               aliases=("probleme",)),
        Column("objectives", "Objectifs", gettext_lazy("Its objectives.")),
        Column("observed_impacts", "Impacts observés", gettext_lazy("What it changed.")),
        Column("evidence_level", "Niveau de preuve", gettext_lazy("One of the allowed values."),
               example="Suivi interne"),
        Column("beneficiaries_per_year", "Bénéficiaires par an",
               gettext_lazy("A whole number."), example="120"),
        Column("prerequisites", "Prérequis", gettext_lazy("What a site needs first.")),
    )

    def may_import(self, user) -> bool:
        return may_import_reference_data(user)

    def allowed_values(self, user) -> dict[str, list[str]]:
        return {"evidence_level": french_labels(Innovation.EvidenceLevel),
                "is_public_innovation": ["oui", "non"]}

    def result_url(self, job) -> str:
        from django.urls import reverse

        return reverse("innovations:bank_search")

    def analyse(self, rows, *, user, analysis: Analysis, progress) -> None:
        finder = StructureFinder()
        finder.load({
            "siret": {compact(text_of(row.values.get("siret"))) for row in rows},
            "rna": {compact(text_of(row.values.get("rna"))) for row in rows},
            "external_ref": {text_of(row.values.get("owner_ref")) for row in rows},
        })
        owner_ids = {pk for by in finder.by.values() for pk in by.values()}
        owners = Structure.objects.in_bulk(owner_ids)
        existing = {(innovation.owner_id, innovation.external_ref): innovation
                    for innovation in Innovation.objects.filter(owner__in=owner_ids)
                    .exclude(external_ref="").select_related("owner")}
        for done, row in enumerate(rows, start=1):
            self._row(row, analysis, user, finder, owners, existing)
            if done % PROGRESS_EVERY == 0:
                progress(done)
        progress(len(rows))

    def _row(self, row, analysis, user, finder, owners, existing):
        cells = Cells(row, analysis)
        ref = cells.text("external_ref", max_length=100, required=True)
        siret, rna, owner_ref = structure_keys(cells, ref_key="owner_ref")
        found, _fields = finder.find(siret=siret, rna=rna, external_ref=owner_ref)
        if not (siret or rna or owner_ref):
            cells.fail("siret", _("Give the innovator's SIRET, RNA or reference."), "")
        elif len(found) != 1 and cells.ok:
            cells.fail("siret", _("No structure of the platform has this SIRET, RNA or "
                                  "reference: import it first.") if not found else
                       _("These identifiers designate different structures."),
                       siret or rna or owner_ref)
        beneficiaries = cells.decimal("beneficiaries_per_year")
        if beneficiaries is not None and (beneficiaries < 0
                                          or beneficiaries != int(beneficiaries)):
            cells.fail("beneficiaries_per_year", _("A whole number, zero or more."))
        fields = {
            "title": cells.text("title", max_length=200, required=True),
            "summary": cells.text("summary", max_length=1000, required=True),
            "is_public_innovation": cells.boolean("is_public_innovation"),
            "problem": cells.text("problem"),
            "objectives": cells.text("objectives"),
            "observed_impacts": cells.text("observed_impacts"),
            "evidence_level": cells.choice("evidence_level", Innovation.EvidenceLevel),
            "beneficiaries_per_year": int(beneficiaries) if beneficiaries is not None
            else None,
            "prerequisites": cells.text("prerequisites"),
        }
        if not cells.ok:
            return
        owner = owners[next(iter(found))]
        earlier = analysis.first_seen("innovation", (owner.pk, ref), row)
        if earlier is not None:
            cells.fail("external_ref", _("Row %(row)d is the same innovation.")
                       % {"row": earlier})
            return
        innovation = existing.get((owner.pk, ref))
        # Blank cells leave what the record says unchanged.
        fields = {name: value for name, value in fields.items() if value not in (None, "")}
        if innovation is None:
            analysis.create(row, fields["title"], (owner, ref, fields))
        elif not can_edit_innovation(user, innovation):
            cells.fail("external_ref", _("Only the innovator's members may change this "
                                         "record."))
        else:
            analysis.update(row, fields["title"], (innovation, ref, fields))

    def apply(self, analysis: Analysis, *, user, progress) -> dict:
        comment = _("Imported from a spreadsheet.")
        done = 0
        for change in analysis.creates:
            owner, ref, fields = change.payload
            innovation = create_innovation(owner=owner, author=user, comment=comment,
                                           **fields)
            innovation.external_ref = ref  # not a record field: kept in the history only
            innovation._history_user = user
            innovation.save(update_fields=["external_ref", "updated_at"])
            done += 1
            progress(done)
        for change in analysis.updates:
            innovation, _ref, fields = change.payload
            for section, names in ((update_description, DESCRIPTION_FIELDS),
                                   (update_evidence, EVIDENCE_FIELDS),
                                   (update_conditions, CONDITIONS_FIELDS)):
                part = {name: fields[name] for name in names if name in fields}
                if part:
                    section(innovation, author=user, comment=comment, **part)
            done += 1
            progress(done)
        return {}
