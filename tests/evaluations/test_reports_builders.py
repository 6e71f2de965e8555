"""The context builders of the project, site and funder reports: the same figures as the pages'
own selectors, and every missing piece said rather than fatal."""

import base64
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.html import conditional_escape
from django.utils.translation import gettext

from essaimage.reports import get_kind, render_html
from essaimage.templatetags.reports import french_typography
from evaluations.reports import funder_report, project_report, site_report
from evaluations.selectors.aggregation import Scope, indicator_totals
from evaluations.selectors.dashboards import project_dashboard, site_dashboard
from programmes.models import FundingPool
from programmes.queries.funding import pool_options, pool_totals

from ..factories import (
    AdopterSiteFactory,
    FundingOptionFactory,
    FundingPoolFactory,
    IndicatorFactory,
    ProgrammeFactory,
    ScalingProjectFactory,
    StructureFactory,
)
from .reports_support import full_project, second_funder  # noqa: F401

D = Decimal


def html_of(key, subject):
    return render_html(get_kind(key), subject, {})


def says(html: str, message: str) -> bool:
    """Whether the report says `message`, in the report's language (the platform's, without
    a job), as the template may write it (escaped or not, with French typography or not)."""
    with translation.override(settings.LANGUAGE_CODE):
        text = gettext(message)
    variants = {text, str(conditional_escape(text))}
    return any(variant in html or french_typography(variant) in html for variant in variants)


# --- Empty and bad data ------------------------------------------------------------------------


def test_a_bare_project_says_what_is_missing(project):
    context = project_report.build_context(project, {})

    assert context["sites"].sites == [] and context["sites"].map_svg == ""
    assert context["plan"] is None and context["phases"] == []
    assert context["fidelity"] is None and context["money"] is None
    assert context["training"].modules == [] and context["dashboard"].rows == []
    assert not context["has_strategy"]
    html = html_of("project_report", project)
    for message in ("This project has no scaling strategy yet.",
                    "No stakeholder on the map yet.",
                    "This project has no adopter site yet.",
                    "This project has no training plan yet.",
                    "This project has no evaluation plan yet.",
                    "This project has no active indicator yet.",
                    "This project has no fidelity scale yet.",
                    "This project has no funder pool."):
        assert says(html, message), message
    assert [anchor for anchor, _title in context["toc"]] == [
        f"section-{key}" for key in ("summary", "innovation", "strategy", "stakeholders",
                                     "sites", "training", "evaluation", "indicators",
                                     "fidelity", "money")]
    for anchor, _title in context["toc"]:
        assert f'id="{anchor}"' in html


def test_an_indicator_without_target_nor_values_and_an_empty_pool(project, bob_site):
    indicator = IndicatorFactory(project=project, name="Chantiers ouverts")
    FundingPoolFactory(project=project)

    context = project_report.build_context(project, {})

    row = context["dashboard"].rows[0]
    assert row.indicator == indicator
    assert row.total.value is None and row.total.target is None and row.total.band == "none"
    assert context["indicator_lines"][0].target == ""
    assert context["money"].options == []
    html = html_of("project_report", project)
    assert says(html, "No funder has taken an option yet.")
    assert says(html, "No reporting period yet for this indicator.")


def test_a_site_with_nothing_yet(bob_site):
    context = site_report.build_context(bob_site, {})

    assert context["completeness"].lines == []
    assert context["questionnaires"] == [] and context["registrations"] == []
    assert context["fidelity_chart"] == ""
    html = html_of("site_report", bob_site)
    for message in ("This project has no active indicator yet.",
                    "No reporting period has ended for this site yet.",
                    "This project has no fidelity scale yet.",
                    "The site has not answered any questionnaire yet.",
                    "This project has no training plan yet.",
                    "The scaling strategy names no adaptable component yet."):
        assert says(html, message), message


def test_a_structure_that_funds_nothing(db):
    structure = StructureFactory(name="Fondation sans programme")

    context = funder_report.build_context(structure, {})

    assert context["programmes"] == [] and context["total"].confirmed == 0
    html = html_of("funder_report", structure)
    assert says(html, "This structure funds no programme and holds no option in a pooled "
                      "grant.")
    assert says(html, "The funder holds no option in a pooled grant yet.")


# --- The same figures as the pages --------------------------------------------------------------


def test_indicator_figures_are_the_dashboards(full_project):
    context = project_report.build_context(full_project, {})
    dashboard = project_dashboard(full_project, Scope())

    totals = {row.indicator.code: row.total for row in context["dashboard"].rows}
    assert totals == {row.indicator.code: row.total for row in dashboard.rows}
    assert totals["PERS"].value == D("28")  # 12 + 9 + 7, cumulative
    assert totals["PERS"].target == D("40") and totals["PERS"].band == "watch"  # 70 %
    assert totals["SORT"].value == D("54.5455")  # (3 + 2 + 1) / (4 + 5 + 2)
    assert totals["SORT"].target is None
    fresh = {t.indicator.code: t.value for t in indicator_totals(
        full_project.indicators.all(), Scope())}
    assert {code: total.value for code, total in totals.items()} == fresh


def test_money_is_the_pools_own_figures(full_project, funder_structure, second_funder):
    context = project_report.build_context(full_project, {})
    pool = FundingPool.objects.get(project=full_project)

    money = context["money"]
    assert money.totals == pool_totals(pool)
    assert money.totals.total.optioned == D("70000")
    assert money.totals.total.confirmed == D("40000")
    assert money.totals.total.paid == D("12500.50")
    by_funder = {option.funder: option.amounts for option in money.options}
    assert by_funder == {option.funder: option.amounts for option in pool_options(pool)}
    assert by_funder[funder_structure].paid == D("12500.50")
    assert by_funder[second_funder].confirmed == 0


def test_the_project_parts(full_project, bob_site, carol_site):
    context = project_report.build_context(full_project, {})

    assert context["strategy"].models[0].model == "scale_across"
    assert [c.title for c in context["strategy"].core] == ["Travail payé à la journée"]
    groups = context["stakeholder_groups"]
    assert [g.stakeholders[0].name for g in groups] == ["Conseil départemental de la Nièvre",
                                                       "France Travail"]
    sites = context["sites"]
    assert sites.active == 2 and len(sites.by_region) == 2
    assert sites.per_department == {"58": 1, "38": 1}
    assert '<img class="choropleth-map" src="data:image/svg+xml;base64,' in sites.map_svg
    training = context["training"]
    assert (training.sessions_held, training.registered, training.attended) == (1, 2, 1)
    assert training.attendance_pct == 50
    assert (training.completed_all, training.completed_some, training.completed_none) == (
        1, 0, 1)
    assert {site: site.modules_completed for site in sites.sites} == {bob_site: 1,
                                                                      carol_site: 0}
    assert [phase.number for phase in context["phases"]] == [1, 2]
    fidelity = context["fidelity"]
    assert fidelity.overview.average_pct == 100.0  # bob's latest: 4 out of 4
    assert {site: site.fidelity_total_pct for site in sites.sites} == {bob_site: 100.0,
                                                                       carol_site: None}
    lowest = fidelity.overview.sites
    assert lowest == [bob_site] and lowest[0].domain_scores[0].pct == 100.0
    assert lowest[0].fidelity_assessed_on == date(2025, 6, 15)


def test_the_site_report_reads_the_site_dashboard(full_project, bob_site, carol_site):
    with translation.override("en"):
        context = site_report.build_context(bob_site, {})
    dashboard = site_dashboard(bob_site, Scope())

    figures = {row.indicator.code: row.figure for row in context["dashboard"].rows}
    assert figures == {row.indicator.code: row.figure for row in dashboard.rows}
    assert figures["PERS"].value == D("21") and figures["PERS"].target == D("20")
    assert context["completeness"].sent == 2 and context["completeness"].overdue == 0
    assert [answers for answered in context["questionnaires"]
            for answers in answered.answers] == [
        ("L'accueil est-il inconditionnel ?", "4 on a scale of 1 to 5")]
    assert context["modules_completed"] == 1
    assert 'class="chart line-chart"' in context["fidelity_chart"]

    carol = site_report.build_context(carol_site, {})
    lines = {line.period.label: line.status for line in carol["completeness"].lines}
    assert lines == {"T1 2025": "validated", "T2 2025": "returned"}
    assert carol["completeness"].overdue == 1
    assert carol["fidelity_chart"] == ""


def test_the_funder_report_adds_up_the_funders_options(full_project, funder_structure,
                                                       second_funder, programme, alice):
    # A second programme funded by the same funder, without projects, and a project of a
    # third programme where the funder only holds an option.
    ProgrammeFactory(name="Programme vide", lead_structure=programme.lead_structure,
                     funders=[funder_structure])
    elsewhere = ScalingProjectFactory(title="Essaimage ailleurs")
    FundingOptionFactory(pool=FundingPoolFactory(project=elsewhere), funder=funder_structure,
                         amount=D("5000"))
    ScalingProjectFactory(programme=programme, title="Projet archivé", is_archived=True)

    context = funder_report.build_context(funder_structure, {})

    parts = {part.programme.name: part for part, _section in context["programmes"]}
    assert set(parts) == {programme.name, "Programme vide", elsewhere.programme.name}
    assert [p.project.title for p in parts[programme.name].projects] == [full_project.title]
    assert parts["Programme vide"].projects == []
    other = parts[elsewhere.programme.name]
    assert not other.funds_programme and other.projects[0].through_pool_only
    assert other.amounts.optioned == D("5000") and other.amounts.confirmed == 0
    ours = parts[programme.name].projects[0]
    pool = FundingPool.objects.get(project=full_project)
    expected = next(o for o in pool_options(pool) if o.funder == funder_structure).amounts
    assert ours.option.amounts == expected
    assert ours.site_count == 2 and ours.line.totals[0].value == D("28")
    total = context["total"]
    assert (total.optioned, total.confirmed, total.paid) == (D("45000"), D("40000"),
                                                             D("12500.50"))
    assert context["project_count"] == 2 and context["option_count"] == 2

    theirs = funder_report.build_context(second_funder, {})
    assert theirs["total"].optioned == D("30000") and theirs["total"].confirmed == 0


@pytest.mark.parametrize("key", ["project_report", "site_report", "funder_report"])
def test_builders_only_read(key, full_project, bob_site, funder_structure):
    subject = {"project_report": full_project, "site_report": bob_site,
               "funder_report": funder_structure}[key]
    kind = get_kind(key)
    with CaptureQueriesContext(connection) as captured:
        kind.build_context(subject, {})
    statements = [query["sql"].lstrip().split()[0].upper() for query in captured]
    assert set(statements) == {"SELECT"}
    assert kind.filename(subject, {}).endswith(".pdf")


def test_the_project_reports_queries_do_not_grow_with_the_sites(full_project):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            project_report.build_context(full_project, {})
        return len(captured)

    AdopterSiteFactory(project=full_project, status="launched")  # a site that never reported
    before = queries()
    for _ in range(10):
        AdopterSiteFactory(project=full_project, status="launched")
    assert queries() == before


def test_a_site_on_a_whole_region_is_listed_but_not_mapped(project, bob_site):
    from communities.models import Territory

    region = Territory.objects.regions().get(code="27")  # Bourgogne-Franche-Comté
    AdopterSiteFactory(project=project, territory=region, status="launched")

    sites = project_report.build_context(project, {})["sites"]

    assert [site.territory for site in sites.outside_map] == [region]
    assert sites.per_department == {"58": 1}
    assert sorted(group.name for group in sites.by_region) == ["Bourgogne-Franche-Comté"]
    assert len(sites.by_region[0].sites) == 2


def test_withdrawn_options_and_sites_count_nowhere(full_project, second_funder, alice,
                                                   carol_site):
    from programmes.models import FundingOption
    from programmes.services import funding

    funding.withdraw_option(FundingOption.objects.get(funder=second_funder), by=alice)
    carol_site.status = "withdrawn"
    carol_site.save()

    context = project_report.build_context(full_project, {})

    totals = context["money"].totals.total
    assert (totals.optioned, totals.confirmed) == (D("40000"), D("40000"))
    assert context["sites"].active == 1 and context["sites"].outside_map == []
    assert context["sites"].per_department == {"58": 1}
    theirs = funder_report.build_context(second_funder, {})
    assert theirs["total"].optioned == 0 and theirs["option_count"] == 1


def test_periods_over_before_a_site_started_are_not_expected(full_project, bob_site):
    bob_site.start_date = date(2025, 4, 1)
    bob_site.save()

    completeness = site_report.build_context(bob_site, {})["completeness"]

    assert [line.period.label for line in completeness.lines] == ["T2 2025"]


def test_the_map_is_drawn_as_an_image_with_its_words(db):
    from communities.maps import department_choropleth

    figure = department_choropleth({"58": 3}, title="Sites du projet", description="3 sites.")

    printed = project_report.map_as_image(figure)

    prefix = 'src="data:image/svg+xml;base64,'
    start = printed.index(prefix) + len(prefix)
    svg = base64.b64decode(printed[start:printed.index('"', start)]).decode()
    assert 'data-code="58" data-count="3"' in svg and "<title id=" in svg  # its own title
    assert "</title></path>" not in svg  # no tooltip per département
    assert 'alt="Sites du projet — 3 sites."' in printed
    assert "choropleth-legend" in printed and "choropleth-overseas" in printed  # still text


def test_the_map_outlines_are_thinned_not_redrawn():
    svg = '<path d="m 10,10 0.5,0 0.5,0 5,0 0,5 z m 1,1 4,0 0,4 z"/><path d="M 1 1 C 2 2"/>'

    thinned = project_report.lighter_outlines(svg, tolerance=2)

    assert 'd="M10.0 10.0 16.0 10.0 16.0 15.0Z M11.0 11.0 15.0 11.0 15.0 15.0Z"' in thinned
    assert 'd="M 1 1 C 2 2"' in thinned  # not an outline of relative moves: left alone


def test_charts_show_the_latest_eight_periods_and_totals_count_them_all(programme):
    import re

    from .reports_support import project_of_sites

    project = ScalingProjectFactory(programme=programme)
    project_of_sites(project, 2, indicators=1, quarters=12)

    row = project_report.build_context(project, {})["dashboard"].rows[0]

    labels = re.findall(r'class="chart-axis">(T\d \d{4})<', row.chart)
    assert labels == ["T1 2024", "T2 2024", "T3 2024", "T4 2024",
                      "T1 2025", "T2 2025", "T3 2025", "T4 2025"]
    assert len(row.series) == 12 and row.total.value == sum(
        figure.value for figure in row.series)  # a sum over the twelve quarters
    assert "</title></rect>" not in row.chart  # no tooltips on paper


def test_the_first_twelve_indicators_get_a_chart_every_one_its_figures(programme):
    from .reports_support import project_of_sites

    project = ScalingProjectFactory(programme=programme)
    project_of_sites(project, 2, indicators=14, quarters=4)

    context = project_report.build_context(project, {})

    rows = context["dashboard"].rows
    assert [bool(row.chart) for row in rows] == [True] * 12 + [False] * 2
    assert len(context["indicator_lines"]) == 14
    html = html_of("project_report", project)
    assert says(html, "Its chart is on the project's dashboard.")
