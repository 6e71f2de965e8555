"""Headline figures of the funders' dashboard on a hand-built portfolio whose answers are
known (see portfolio_support): people are not counted twice across periods, territories are
distinct, money is the funder's own."""

from datetime import date
from decimal import Decimal

import pytest
from django.utils import translation

from evaluations.models import FidelityAssessment, Indicator
from evaluations.selectors import portfolio
from evaluations.selectors.aggregation import Scope

from ..factories import (
    FidelityAssessmentFactory,
    FidelityDomainFactory,
    FidelityItemFactory,
    FidelityRatingFactory,
    FidelityScaleFactory,
    department,
)
from .portfolio_support import YEAR, build

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(programme, project, funder_structure):
    return build(programme, project, funder_structure)


def figures_of(user, scope=YEAR, **filters):
    return portfolio.headline_figures(
        portfolio.select(portfolio.portfolio_for_user(user), scope, **filters))


def test_funder_headline_figures_match_the_hand_counted_answers(data, fanny):
    figures = figures_of(fanny)

    assert figures.projects == 2
    assert figures.innovations == 2
    assert figures.structures == 4          # N1, N2, G, L; W withdrawn, a candidate not yet
    assert figures.sites == 4
    assert figures.methods == 2             # scale up (twice), scale out
    assert figures.people_reached == 145    # latest 40 + 5, cumulative 100
    assert figures.departments == 3         # N1 and N2 share the Nièvre
    assert figures.communes == 3            # "Nevers" and "NEVERS" are one commune
    assert figures.trainings == 2
    assert figures.people_trained == 2      # p1 twice, once; p3 absent
    assert figures.money == portfolio.Money(Decimal("60000"), Decimal("60000"),
                                            Decimal("15000"))


def test_a_latest_count_is_taken_once_and_a_cumulative_one_summed(data, fanny):
    people = Indicator.objects.get(code="PERS")
    people.period_aggregation = Indicator.PeriodAggregation.SUM
    people.save(update_fields=["period_aggregation"])

    # Summed over the four quarters, TAPAJ's count would be 100 + 20: the rule decides.
    assert figures_of(fanny).people_reached == 100 + 20 + 100


def test_an_average_count_is_each_sites_mean_over_the_periods(data, fanny):
    Indicator.objects.filter(code="PERS").update(
        period_aggregation=Indicator.PeriodAggregation.AVERAGE)

    # N1: (10 + 20 + 30 + 40) / 4 = 25; G: 5; SOLENI's cumulative 100.
    assert figures_of(fanny).people_reached == 25 + 5 + 100


def test_staff_count_every_funders_money(data, alice):
    assert figures_of(alice).money == portfolio.Money(Decimal("100000"), Decimal("60000"),
                                                      Decimal("15000"))


def test_money_stands_as_at_the_end_of_the_range(data, alice):
    # By the end of January 2025: fanny's option stood, unconfirmed, nothing paid; the
    # Région's 7,000 on SOLENI stood until its withdrawal in February.
    figures = figures_of(alice, Scope(date_from=date(2025, 1, 1), date_to=date(2025, 1, 31)))

    assert figures.money == portfolio.Money(Decimal("67000"), Decimal("0"), Decimal("0"))


def test_a_range_counts_only_its_periods_and_sessions(data, fanny):
    figures = figures_of(fanny, Scope(date_from=date(2025, 1, 1), date_to=date(2025, 6, 30)))

    # N1's latest in the first half is 20, G's 5; SOLENI 10 + 20; one session in March.
    assert figures.people_reached == 20 + 5 + 30
    assert figures.trainings == 1
    assert figures.people_trained == 2


def test_a_territory_narrows_sites_people_and_money(data, fanny):
    nievre = department("58")

    figures = figures_of(fanny, territory=nievre)

    assert (figures.structures, figures.departments, figures.communes) == (2, 1, 1)
    assert figures.projects == 1
    assert figures.people_reached == 40     # N1's latest; G is in the Isère
    assert figures.people_trained == 1
    # No share of an option is earmarked in the Nièvre; 10,000 were paid to N1.
    assert figures.money == portfolio.Money(Decimal("0"), Decimal("0"), Decimal("10000"))


def test_a_region_covers_its_departements(data, fanny):
    auvergne_rhone_alpes = department("38").parent

    figures = figures_of(fanny, territory=auvergne_rhone_alpes)

    assert (figures.structures, figures.departments) == (1, 1)   # G; W is withdrawn


def test_a_programme_and_a_theme_filter_the_projects(data, fanny, alice):
    from ..factories import ThemeFactory

    theme = ThemeFactory(name="Emploi")
    data.soleni.innovation.themes.add(theme)

    assert figures_of(fanny, theme=theme).innovations == 1
    assert figures_of(alice, programme=data.other_project.programme).projects == 0


def test_another_funder_sees_only_what_it_funds(data):
    figures = figures_of(data.region_user)

    # TAPAJ through its standing option, the other programme's project; not SOLENI, whose
    # option it withdrew.
    assert figures.projects == 2
    assert figures.money.optioned == Decimal("40000") + Decimal("90000")
    assert figures.people_reached == 45


def test_the_sentence_reads_like_seed_002(data, fanny):
    with translation.override("en"):
        sentence = figures_of(fanny).sentence

    assert sentence == ("2 innovations scaled, with 4 structures, by 2 scaling methods, "
                        "reaching 145 people, in 3 départements.")


def test_headline_figures_take_a_fixed_number_of_queries(data, fanny,
                                                         django_assert_max_num_queries):
    selection = portfolio.select(portfolio.portfolio_for_user(fanny), YEAR)
    # projects, sites, methods, trainings, trained, options, payments; the indicator figures:
    # headline and people-reached indicators, their cache key (reports, sites, targets), the
    # totals (4) and people reached (2)
    with django_assert_max_num_queries(18):
        portfolio.headline_figures(selection)
    # Once in the cache, the indicator figures cost their key only.
    with django_assert_max_num_queries(12):
        portfolio.headline_figures(selection)


def test_funnel_counts_projects_by_stage(data, fanny):
    data.soleni.stage = "evaluation"
    data.soleni.save(update_fields=["stage"])

    funnel = {step.stage: step.count for step in portfolio.stage_funnel(
        portfolio.select(portfolio.portfolio_for_user(fanny), YEAR))}

    assert funnel["evaluation"] == 1
    assert sum(funnel.values()) == 2


def test_people_outside_every_portfolio_have_none(db, oscar, bob, carol, data):
    assert portfolio.portfolio_for_user(oscar) is None
    assert portfolio.portfolio_for_user(bob) is None


def test_fidelity_counts_each_sites_latest_completed_assessment(data, fanny):
    # TAPAJ rates three items from 1 to 4; SOLENI has no scale, so its site is not expected.
    scale = FidelityScaleFactory(project=data.tapaj, max_level=4)
    domain = FidelityDomainFactory(scale=scale)
    items = [FidelityItemFactory(domain=domain, position=position) for position in range(3)]

    def assessed(site, levels, day, status=FidelityAssessment.Status.COMPLETED):
        assessment = FidelityAssessmentFactory(site=site, assessed_on=day, status=status)
        for item, level in zip(items, levels, strict=False):
            FidelityRatingFactory(assessment=assessment, item=item, level=level)

    sites = data.sites
    assessed(sites["N1"], [1, 1, 1], date(2025, 1, 15))  # overtaken by the next one
    assessed(sites["N1"], [4, 4, 4], date(2025, 6, 30))  # 100 %
    assessed(sites["N2"], [1, 2, 2], date(2025, 6, 30))  # 5 / 12: 42 %
    assessed(sites["G"], [4], date(2025, 9, 1), status=FidelityAssessment.Status.DRAFT)
    assessed(sites["W"], [4, 4, 4], date(2025, 6, 30))   # withdrawn: not counted

    summary = portfolio.fidelity_summary(
        portfolio.select(portfolio.portfolio_for_user(fanny), YEAR))

    assert summary == portfolio.FidelitySummary(assessed=2, expected=3, average_pct=71,
                                                below_half=1)
