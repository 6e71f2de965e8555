"""Importing adopter sites from a spreadsheet (essaimage.imports), into the projects the
person runs: matched by external reference in the project, else by structure and territory."""

import re

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from simple_history.utils import bulk_update_with_history

from communities.importers import (
    StructureFinder,
    departments_by_code,
    read_department,
    structure_keys,
)
from communities.models import Structure
from communities.validators import compact
from essaimage.bulk import create_with_history
from essaimage.imports import Analysis, Cells, Column, Importer
from essaimage.imports.values import french_labels, text_of

from .models import AdopterSite, ScalingProject
from .services.community import ensure_programme_space

BATCH = 1000
PROGRESS_EVERY = 1000


def projects_run_by(user):
    """The projects whose sites `user` may import: those of the programmes they staff."""
    return ScalingProject.objects.staffed_by(user).filter(
        programme__is_archived=False).select_related("programme")


def project_id_of(value) -> int | None:
    """"12", 12 or "12 — Essaimage de TAPAJ" (as the template lists projects) → 12."""
    match = re.match(r"^\s*(\d+)", text_of(value))
    return int(match.group(1)) if match else None


class SiteImporter(Importer):
    key = "sites"
    label = gettext_lazy("Adopter sites")
    description = gettext_lazy(
        "Sites of the projects you run: the structure (found by SIRET, RNA or reference: "
        "import it first) on a territory. A site is matched by its reference in the project, "
        "else by its structure and département.")
    template_name = "modele-sites"
    columns = (
        Column("external_ref", "Référence externe",
               gettext_lazy("The site's identifier in your own tool."), example="SITE-058"),
        Column("project", "Projet", gettext_lazy("The project's number (see the list)."),
               required=True, example="12"),
        Column("siret", "SIRET structure", gettext_lazy("SIRET of the adopter structure."),
               example="82012345600015", aliases=("siret",)),
        Column("rna", "RNA structure", gettext_lazy("Or its RNA."), aliases=("rna",)),
        Column("structure_ref", "Référence structure",
               gettext_lazy("Or its external reference.")),
        Column("department", "Département",
               gettext_lazy("INSEE code; the structure's when blank."), example="58"),
        Column("name", "Nom du site", gettext_lazy("Optional name of the site."),
               example="Essor Emploi — Nevers"),
        Column("status", "Statut", gettext_lazy("On creation (Selected when blank)."),
               example="Sélectionné"),
        Column("start_date", "Date de début", gettext_lazy("DD/MM/YYYY."),
               example="01/03/2026"),
    )

    def may_import(self, user) -> bool:
        return user.is_authenticated and projects_run_by(user).exists()

    def allowed_values(self, user) -> dict[str, list[str]]:
        return {"project": [f"{project.pk} — {project.title}"
                            for project in projects_run_by(user).order_by("pk")],
                "status": french_labels(AdopterSite.Status)}

    def analyse(self, rows, *, user, analysis: Analysis, progress) -> None:
        projects = {project.pk: project for project in projects_run_by(user)}
        departments = departments_by_code()
        finder = StructureFinder()
        finder.load({
            "siret": {compact(text_of(row.values.get("siret"))) for row in rows},
            "rna": {compact(text_of(row.values.get("rna"))) for row in rows},
            "external_ref": {text_of(row.values.get("structure_ref")) for row in rows},
        })
        structure_ids = {pk for by in finder.by.values() for pk in by.values()}
        structure_departments = dict(Structure.objects.filter(pk__in=structure_ids)
                                     .values_list("pk", "department_id"))
        territories = {territory.pk: territory for territory in departments.values()}
        sites = list(AdopterSite.objects.filter(project__in=list(projects),
                                                structure__in=structure_ids)) + list(
            AdopterSite.objects.filter(project__in=list(projects)).exclude(external_ref="")
            .filter(external_ref__in={text_of(row.values.get("external_ref"))
                                      for row in rows}))
        by_ref = {(site.project_id, site.external_ref): site for site in sites
                  if site.external_ref}
        by_place = {(site.project_id, site.structure_id, site.territory_id): site
                    for site in sites}
        now = timezone.now()
        for done, row in enumerate(rows, start=1):
            cells = Cells(row, analysis)
            ref = cells.text("external_ref", max_length=100)
            project = projects.get(project_id_of(cells.raw("project")))
            if text_of(cells.raw("project")) == "":
                cells.fail("project", _("This column must be filled in."), "")
            elif project is None:
                cells.fail("project", _("No project you run has this number."))
            siret, rna, structure_ref = structure_keys(cells, ref_key="structure_ref")
            found, fields = finder.find(siret=siret, rna=rna, external_ref=structure_ref)
            if not (siret or rna or structure_ref):
                cells.fail("siret", _("Give the structure's SIRET, RNA or reference."), "")
            elif not found and cells.ok:
                cells.fail("siret", _("No structure of the platform has this SIRET, RNA or "
                                      "reference: import it first."),
                           siret or rna or structure_ref)
            elif len(found) > 1:
                cells.fail(fields[0], _("%(columns)s designate different structures.")
                           % {"columns": ", ".join(self.column(f if f != "external_ref"
                                                               else "structure_ref").header
                                                   for f in fields)})
            structure_id = next(iter(found)) if len(found) == 1 else None
            territory = read_department(cells, "department", departments)
            if territory is None and cells.ok and structure_id:
                territory = territories.get(structure_departments.get(structure_id))
                if territory is None:
                    cells.fail("department", _("The structure has no département: give the "
                                               "site's."), "")
            status = cells.choice("status", AdopterSite.Status)
            start_date = cells.date("start_date")
            name = cells.text("name", max_length=200)
            if not cells.ok:
                continue
            for kind, key in (("ref", (project.pk, ref) if ref else None),
                              ("place", (project.pk, structure_id, territory.pk))):
                earlier = analysis.first_seen(kind, key, row)
                if earlier is not None:
                    cells.fail("external_ref" if kind == "ref" else "siret",
                               _("Row %(row)d is the same site.") % {"row": earlier})
            site = by_ref.get((project.pk, ref)) if ref else None
            if site is not None and site.structure_id != structure_id:
                cells.fail("external_ref", _("This reference is a site of another structure "
                                             "in this project."))
            site = site or by_place.get((project.pk, structure_id, territory.pk))
            if site is not None and status and status != site.status:
                cells.fail("status", _("Change a site's status on its page: it follows its "
                                       "steps."))
            if not cells.ok:
                continue
            label = f"{name or structure_id} — {territory}"
            if site is None:
                site = AdopterSite(project=project, structure_id=structure_id,
                                   territory=territory, name=name, external_ref=ref,
                                   status=status or AdopterSite.Status.SELECTED,
                                   start_date=start_date)
                analysis.create(row, label, site)
            else:
                site.territory = territory
                site.name = name or site.name
                site.external_ref = ref or site.external_ref
                site.start_date = start_date or site.start_date
                site.updated_at = now
                analysis.update(row, label, site)
            if done % PROGRESS_EVERY == 0:
                progress(done)
        progress(len(rows))

    def apply(self, analysis: Analysis, *, user, progress) -> dict:
        creates = [change.payload for change in analysis.creates]
        updates = [change.payload for change in analysis.updates]
        if creates:
            create_with_history(creates, AdopterSite, user=user, reason="import")
        if updates:
            bulk_update_with_history(updates, AdopterSite,
                                     fields=["territory", "name", "external_ref",
                                             "start_date", "updated_at"],
                                     batch_size=BATCH, default_user=user,
                                     default_change_reason="import")
        projects = {site.project_id: site.project for site in creates + updates}
        for programme in {project.programme for project in projects.values()}:
            # As when a candidate is selected: the programme's adopters get their space.
            ensure_programme_space(programme)
        progress(len(creates) + len(updates))
        first = next(iter(projects.values()), None)
        return {"url": first.get_absolute_url() if first else ""}
