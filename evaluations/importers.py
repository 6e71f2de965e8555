"""Importing indicator values from a spreadsheet (essaimage.imports), for the sites of the
projects the person runs. Each value goes through the same checks as the entry form
(services.reporting): the indicator's kind, its frequency, its scale, the report still open;
values are saved as drafts, by `save_values`, for the site to submit or staff to review."""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from essaimage.imports import Analysis, Cells, Column, Importer
from essaimage.imports.values import fold_header, text_of
from programmes.importers import project_id_of, projects_run_by
from programmes.models import AdopterSite

from .models import DisaggregationCategory, Indicator, IndicatorValue, ReportingPeriod, SiteReport
from .services.reporting import (
    Entry,
    _check_report_is_open,
    _clean_entry,
    _scale_tops,
    entry_key,
    open_report,
    save_values,
)

PROGRESS_EVERY = 1000
ENTRY_FIELDS = ("value", "numerator", "denominator", "level")


class IndicatorValueImporter(Importer):
    key = "indicator_values"
    label = gettext_lazy("Indicator values")
    description = gettext_lazy(
        "Values of the sites of the projects you run, one per row: the site (its number or "
        "reference), the indicator's code, the period (its label or its first day), the "
        "value. They are saved as drafts, as if typed in the entry form.")
    template_name = "modele-valeurs-indicateurs"
    columns = (
        Column("site", "Site", gettext_lazy("The site's number or external reference."),
               required=True, example="SITE-058", aliases=("reference du site",
                                                            "identifiant du site")),
        Column("indicator", "Code indicateur", gettext_lazy("The indicator's code."),
               required=True, example="BEN-ACC", aliases=("indicateur", "code")),
        Column("period", "Période", gettext_lazy("The period's label, as the platform shows "
                                                 "it."), example="T1 2026"),
        Column("starts_on", "Début de période",
               gettext_lazy("Or the period's first day (DD/MM/YYYY)."), example="01/01/2026"),
        Column("category", "Catégorie",
               gettext_lazy("A category of a breakdown; blank for the total."),
               aliases=("categorie",)),
        Column("value", "Valeur", gettext_lazy("A number: 1 234,5."), example="12,5"),
        Column("numerator", "Numérateur", gettext_lazy("For a percentage.")),
        Column("denominator", "Dénominateur", gettext_lazy("For a percentage.")),
        Column("level", "Niveau", gettext_lazy("For a scale: the level's number.")),
        Column("narrative", "Commentaire", gettext_lazy("What the figure means.")),
    )

    def may_import(self, user) -> bool:
        return user.is_authenticated and projects_run_by(user).exists()

    def allowed_values(self, user) -> dict[str, list[str]]:
        indicators = (Indicator.objects.filter(project__in=projects_run_by(user),
                                               is_active=True)
                      .order_by("project_id", "position", "code")
                      .values_list("code", "name", "project__title")[:500])
        return {"indicator": [f"{code} — {name} ({project})"
                              for code, name, project in indicators]}

    def analyse(self, rows, *, user, analysis: Analysis, progress) -> None:
        projects = {project.pk: project for project in projects_run_by(user)}
        ids, refs = set(), set()
        for row in rows:
            raw = text_of(row.values.get("site"))
            (ids if raw.isdigit() else refs).add(int(raw) if raw.isdigit() else raw)
        sites = AdopterSite.objects.filter(project__in=list(projects)).select_related(
            "project__programme", "structure")
        by_id = {site.pk: site for site in sites.filter(pk__in=ids)}
        by_ref = defaultdict(list)
        for site in sites.filter(external_ref__in=refs):
            by_ref[site.external_ref].append(site)
        site_projects = {site.project_id for site in by_id.values()} | {
            site.project_id for found in by_ref.values() for site in found}
        indicators = {(indicator.project_id, indicator.code): indicator
                      for indicator in Indicator.objects.filter(project__in=site_projects)}
        scale_tops = _scale_tops(indicators.values())
        periods_by_label, periods_by_start = {}, {}
        for period in ReportingPeriod.objects.filter(project__in=site_projects):
            periods_by_label[(period.project_id, period.frequency, fold_header(period.label))] \
                = period
            periods_by_start[(period.project_id, period.frequency, period.starts_on)] = period
        categories = {}
        for category in DisaggregationCategory.objects.filter(
                disaggregation__indicator__project__in=site_projects).select_related(
                "disaggregation"):
            for name in (category.label, category.code):
                categories[(category.disaggregation.indicator_id, fold_header(name))] = category
        reports = {(report.site_id, report.period_id): report
                   for report in SiteReport.objects.filter(site__project__in=site_projects)
                   .select_related("period")}
        existing = set(IndicatorValue.objects.filter(report__in=[r.pk for r in
                                                                 reports.values()])
                       .values_list("report_id", "indicator_id", "category_id"))

        for done, row in enumerate(rows, start=1):
            self._row(row, analysis, user, by_id, by_ref, indicators, periods_by_label,
                      periods_by_start, categories, reports, existing, scale_tops)
            if done % PROGRESS_EVERY == 0:
                progress(done)
        progress(len(rows))

    def _row(self, row, analysis, user, by_id, by_ref, indicators, periods_by_label,
             periods_by_start, categories, reports, existing, scale_tops):
        cells = Cells(row, analysis)
        raw_site = cells.text("site", required=True)
        site = None
        if raw_site:
            found = [by_id[int(raw_site)]] if raw_site.isdigit() and int(raw_site) in by_id \
                else by_ref.get(raw_site, [])
            if not found:
                cells.fail("site", _("No site of the projects you run has this number or "
                                     "reference."))
            elif len(found) > 1:
                cells.fail("site", _("Several of your projects have a site with this "
                                     "reference: use the site's number."))
            else:
                site = found[0]
        code = cells.text("indicator", required=True)
        starts_on = cells.date("starts_on")
        numbers = {field: cells.decimal(field) for field in ("value", "numerator",
                                                             "denominator")}
        level = cells.raw("level")
        if not cells.ok or site is None:
            return
        indicator = indicators.get((site.project_id, code))
        if indicator is None:
            cells.fail("indicator", _("The site's project has no indicator with this code."))
            return
        label = fold_header(text_of(cells.raw("period")))
        if starts_on:
            period = periods_by_start.get((site.project_id, indicator.frequency, starts_on))
        elif label:
            period = periods_by_label.get((site.project_id, indicator.frequency, label))
        else:
            cells.fail("period", _("Give the period's label or its first day."), "")
            return
        if period is None:
            cells.fail("starts_on" if starts_on else "period",
                       _("The project has no period of this indicator's frequency there."))
            return
        category = None
        raw_category = fold_header(text_of(cells.raw("category")))
        if raw_category:
            category = categories.get((indicator.pk, raw_category))
            if category is None:
                cells.fail("category", _("No breakdown of this indicator has this category."))
                return
        report = reports.get((site.pk, period.pk)) or SiteReport(site=site, period=period)
        try:
            _check_report_is_open(report, user)
        except ValidationError as error:
            cells.fail("period", " ".join(error.messages), period.label)
            return
        entry = Entry(indicator=indicator, category=category, level=level,
                      narrative=text_of(cells.raw("narrative")), **numbers)
        errors = {}
        cleaned = _clean_entry(entry, report, user, errors, scale_tops)
        for field in ENTRY_FIELDS:
            message = errors.pop(entry_key(indicator.pk, category and category.pk, field),
                                 None)
            if message:
                cells.fail(field, message)
        if not cells.ok:
            return
        if cleaned is None:
            cells.fail("value", _("This row has no value."), "")
            return
        key = (site.pk, period.pk, indicator.pk, category and category.pk)
        earlier = analysis.first_seen("value", key, row)
        if earlier is not None:
            cells.fail("indicator", _("Row %(row)d gives this value already.")
                       % {"row": earlier})
            return
        label = f"{site} · {indicator.code} · {period.label}"
        if category:
            label += f" · {category.label}"
        payload = (site, period, entry)
        if report.pk and (report.pk, indicator.pk, category and category.pk) in existing:
            analysis.update(row, label, payload)
        else:
            analysis.create(row, label, payload)

    def apply(self, analysis: Analysis, *, user, progress) -> dict:
        by_report = defaultdict(list)
        for change in [*analysis.creates, *analysis.updates]:
            site, period, entry = change.payload
            by_report[(site, period)].append(entry)
        done = 0
        for (site, period), entries in by_report.items():
            # The services check the report again under its lock, and store drafts.
            save_values(open_report(site, period, user), entries, user)
            done += len(entries)
            progress(done)
        first = next(iter(by_report), None)
        return {"url": first[0].project.get_absolute_url() if first else ""}
