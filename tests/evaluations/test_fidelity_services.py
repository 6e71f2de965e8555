"""The fidelity scale's services with their bad inputs, and the scores computed in the
database, checked against values computed by hand."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from evaluations.models import FidelityAssessment, FidelityItem, FidelityRating, FidelityScale
from evaluations.selectors import fidelity as selectors
from evaluations.services import fidelity as services
from programmes.models import AdopterSite, ScalingStrategy, StrategyComponent

from ..factories import AdopterSiteFactory, FidelityScaleFactory, ScalingProjectFactory
from .fidelity_support import completed, draft, items_of, scale  # noqa: F401  (fixtures)

pytestmark = pytest.mark.django_db


def codes(excinfo, field="__all__"):
    error = excinfo.value
    if not hasattr(error, "error_dict"):
        return [e.code for e in error.error_list]
    return [e.code for e in error.error_dict[field]]


# --- Building the scale ----------------------------------------------------------------------


def _components(project, *titles, kind="core"):
    strategy, _created = ScalingStrategy.objects.get_or_create(project=project)
    return [StrategyComponent.objects.create(strategy=strategy, kind=kind, title=title,
                                             order=index, description=f"À propos de {title}")
            for index, title in enumerate(titles)]


def test_the_scale_is_built_from_the_core_components_once(project, alice):
    core = _components(project, "Rémunération à la journée", "Accompagnement social")
    _components(project, "Nom local du dispositif", kind="adaptable")

    scale, added = services.create_scale_from_components(project, by=alice)
    assert added == 2
    items = list(FidelityItem.objects.filter(domain__scale=scale).order_by("position"))
    assert [i.component for i in items] == core
    assert items[0].label == "Rémunération à la journée"
    assert items[0].description == "À propos de Rémunération à la journée"
    assert scale.domains.count() == 1

    again, added = services.create_scale_from_components(project, by=alice)
    assert (again.pk, added) == (scale.pk, 0)
    assert FidelityItem.objects.filter(domain__scale=scale).count() == 2

    _components(project, "Partenariat avec l'employeur")
    _scale, added = services.create_scale_from_components(project, by=alice)
    assert added == 1
    assert FidelityItem.objects.filter(domain__scale=scale).count() == 3


def test_a_scale_without_core_components_starts_empty(project):
    scale, added = services.create_scale_from_components(project)
    assert added == 0
    assert isinstance(scale, FidelityScale)
    assert not scale.domains.exists()


def test_the_scale_settings_are_checked(scale):
    with pytest.raises(ValidationError) as excinfo:
        services.update_scale(scale, title="X", max_level=4, alert_threshold=4)
    assert codes(excinfo, "alert_threshold") == ["threshold_range"]
    with pytest.raises(ValidationError) as excinfo:
        services.update_scale(scale, title=" ", max_level=6, alert_threshold=2)
    assert codes(excinfo, "title") == ["required"]
    assert codes(excinfo, "max_level") == ["max_level"]

    services.update_scale(scale, title="Échelle", max_level=5, alert_threshold=3)
    scale.refresh_from_db()
    assert (scale.max_level, scale.alert_threshold) == (5, 3)


def test_level_5_stays_while_ratings_use_it(scale, bob_site):
    services.update_scale(scale, title="Échelle", max_level=5, alert_threshold=2)
    completed(bob_site, scale, [5, 4, 3])
    with pytest.raises(ValidationError) as excinfo:
        services.update_scale(scale, title="Échelle", max_level=4, alert_threshold=2)
    assert codes(excinfo, "max_level") == ["levels_in_use"]


def test_domains_are_added_renamed_moved_and_removed_when_empty(scale):
    with pytest.raises(ValidationError) as excinfo:
        services.add_domain(scale, name="  ")
    assert codes(excinfo, "name") == ["required"]
    extra = services.add_domain(scale, name="Pratiques de l'équipe")
    assert list(scale.domains.values_list("name", flat=True)) == [
        "Logement", "Accompagnement", "Pratiques de l'équipe"]

    services.move_domain(extra, up=True)
    services.rename_domain(extra, name="Équipe")
    assert list(scale.domains.values_list("name", flat=True)) == [
        "Logement", "Équipe", "Accompagnement"]

    with pytest.raises(ValidationError) as excinfo:
        services.delete_domain(scale.domains.get(name="Logement"))
    assert codes(excinfo) == ["domain_not_empty"]
    services.delete_domain(extra)
    assert scale.domains.count() == 2


def test_an_item_is_saved_with_its_worded_levels(scale, project):
    [component] = _components(project, "Logement diffus")
    housing = scale.domains.get(name="Logement")
    item = services.save_item(scale, label="Logement diffus", domain=housing,
                              component=component, levels={1: "Collectif", 2: "", 4: "Diffus"})
    assert dict(item.levels.values_list("level", "description")) == {1: "Collectif",
                                                                     4: "Diffus"}
    assert item.position == 2

    services.save_item(scale, item=item, label="Logement diffus", domain=housing,
                       levels={1: "", 4: "Diffus dans la ville"})
    assert dict(item.levels.values_list("level", "description")) == {4: "Diffus dans la ville"}


def test_an_item_refuses_another_scale_a_non_core_component_and_a_level_outside(scale,
                                                                               project):
    other_domain = FidelityScaleFactory().domains.create(name="Ailleurs")
    [adaptable] = _components(project, "Horaires", kind="adaptable")
    with pytest.raises(ValidationError) as excinfo:
        services.save_item(scale, label="", domain=other_domain, component=adaptable,
                           levels={5: "Hors échelle"})
    errors = excinfo.value.error_dict
    assert [e.code for e in errors["label"]] == ["required"]
    assert [e.code for e in errors["domain"]] == ["other_scale"]
    assert [e.code for e in errors["component"]] == ["not_core_component"]
    assert [e.code for e in errors["level_5"]] == ["level_range"]


def test_a_rated_item_stays(scale, bob_site):
    completed(bob_site, scale, [4, 4, 4])
    with pytest.raises(ValidationError) as excinfo:
        services.delete_item(items_of(scale)[0])
    assert codes(excinfo) == ["item_rated"]


def test_items_move_within_their_domain(scale):
    access, choice, _intensity = items_of(scale)
    services.move_item(choice, up=True)
    assert [i.label for i in items_of(scale)[:2]] == [choice.label, access.label]


# --- Assessments -----------------------------------------------------------------------------


def test_an_assessment_is_started_for_a_site_of_the_project_in_the_past(scale, bob_site, alice):
    assessment = services.start_assessment(scale, bob_site, by=alice,
                                           method=FidelityAssessment.Method.EXTERNAL,
                                           assessed_on=timezone.localdate(),
                                           rater_name="Cabinet Itinéraires")
    assert assessment.status == FidelityAssessment.Status.DRAFT
    assert assessment.rater == alice


@pytest.mark.parametrize(("kwargs", "field", "code"), [
    ({"assessed_on": "tomorrow"}, "assessed_on", "future_date"),
    ({"method": "astrology"}, "method", "unknown_method"),
    ({"assessed_on": None}, "assessed_on", "required"),
])
def test_bad_assessments_are_refused(scale, bob_site, alice, kwargs, field, code):
    if kwargs.get("assessed_on") == "tomorrow":
        kwargs["assessed_on"] = timezone.localdate() + timedelta(days=1)
    arguments = {"method": FidelityAssessment.Method.EXTERNAL,
                 "assessed_on": date(2025, 1, 15), **kwargs}
    with pytest.raises(ValidationError) as excinfo:
        services.start_assessment(scale, bob_site, by=alice, **arguments)
    assert codes(excinfo, field) == [code]
    assert not FidelityAssessment.objects.exists()


def test_a_site_of_another_project_is_not_assessed_on_this_scale(scale, alice):
    elsewhere = AdopterSiteFactory(project=ScalingProjectFactory())
    with pytest.raises(ValidationError) as excinfo:
        services.start_assessment(scale, elsewhere, by=alice, assessed_on=date(2025, 1, 15),
                                  method=FidelityAssessment.Method.EXTERNAL)
    assert codes(excinfo, "site") == ["other_project"]


def test_an_empty_scale_cannot_be_assessed(project, bob_site, alice):
    scale = FidelityScaleFactory(project=project)
    with pytest.raises(ValidationError) as excinfo:
        services.start_assessment(scale, bob_site, by=alice, assessed_on=date(2025, 1, 15),
                                  method=FidelityAssessment.Method.EXTERNAL)
    assert codes(excinfo) == ["empty_scale"]


def test_the_same_site_method_and_day_is_one_assessment(scale, bob_site, bob, draft):
    with pytest.raises(ValidationError) as excinfo:
        services.start_assessment(scale, bob_site, by=bob, assessed_on=draft.assessed_on,
                                  method=draft.method)
    assert codes(excinfo, "assessed_on") == ["duplicate"]


def test_a_draft_is_saved_then_completed(scale, draft, bob):
    access, choice, intensity = items_of(scale)
    services.save_assessment(draft, by=bob, ratings={access.pk: (4, "Sans condition"),
                                                     choice.pk: (None, "")})
    draft.refresh_from_db()
    assert draft.status == FidelityAssessment.Status.DRAFT
    assert list(draft.ratings.values_list("item_id", "level", "comment")) == [
        (access.pk, 4, "Sans condition")]

    # Items left out of the second post keep what the draft had.
    services.save_assessment(draft, by=bob, ratings={choice.pk: (3, ""),
                                                     intensity.pk: (2, "Une visite par mois")},
                             comment="Première auto-évaluation", complete=True)
    draft.refresh_from_db()
    assert draft.status == FidelityAssessment.Status.COMPLETED
    assert draft.comment == "Première auto-évaluation"
    assert draft.ratings.count() == 3
    assert FidelityRating.history.filter(item=access).count() == 1


def test_a_level_outside_the_scale_is_refused(scale, draft, bob):
    access, *_rest = items_of(scale)
    with pytest.raises(ValidationError) as excinfo:
        services.save_assessment(draft, by=bob, ratings={access.pk: (5, "")})
    assert codes(excinfo, services.level_key(access.pk)) == ["level_range"]
    with pytest.raises(ValidationError):
        services.save_assessment(draft, by=bob, ratings={access.pk: (0, "")})
    assert not draft.ratings.exists()


def test_completing_needs_every_item(scale, draft, bob):
    access, choice, intensity = items_of(scale)
    with pytest.raises(ValidationError) as excinfo:
        services.save_assessment(draft, by=bob, complete=True,
                                 ratings={access.pk: (3, ""), choice.pk: (None, "")})
    missing = set(excinfo.value.error_dict)
    assert missing == {services.level_key(choice.pk), services.level_key(intensity.pk)}
    draft.refresh_from_db()
    assert draft.status == FidelityAssessment.Status.DRAFT
    assert not draft.ratings.exists()


def test_an_assessment_is_completed_once(scale, draft, bob):
    ratings = {item.pk: (3, "") for item in items_of(scale)}
    services.save_assessment(draft, by=bob, ratings=ratings, complete=True)
    with pytest.raises(ValidationError) as excinfo:
        services.save_assessment(draft, by=bob, ratings=ratings, complete=True)
    assert codes(excinfo) == ["already_completed"]


def test_an_item_of_another_scale_is_refused(scale, draft, bob):
    stranger = FidelityScaleFactory().domains.create(name="X").items.create(label="Y")
    with pytest.raises(ValidationError) as excinfo:
        services.save_assessment(draft, by=bob, ratings={stranger.pk: (2, "")})
    assert codes(excinfo) == ["other_scale"]


# --- Scores, computed in the database --------------------------------------------------------


def test_the_site_profile_per_domain_and_its_evolution(scale, bob_site):
    completed(bob_site, scale, [2, 1, 1], day=date(2024, 12, 15))
    completed(bob_site, scale, [4, 2, 1], day=date(2025, 6, 30))
    domains = list(selectors.scale_for_page(scale.project).domains.all())

    profile = selectors.site_profile(bob_site, scale, domains, include_drafts=False)

    # Housing: (4 + 2) / (2 × 4) = 75 %; support: 1 / 4 = 25 %; total 7 / 12.
    latest = profile.latest
    assert [round(d.pct, 2) for d in latest.domains] == [75.0, 25.0]
    assert [(d.score, d.maximum) for d in latest.domains] == [(6, 8), (1, 4)]
    assert round(latest.total_pct, 2) == round(700 / 12, 2)
    # First one: (2 + 1) / 8 and 1 / 4; total 4 / 12.
    assert [round(d.pct, 2) for d in profile.evolution[0].domains] == [37.5, 25.0]
    assert round(profile.evolution[0].total_pct, 2) == round(400 / 12, 2)
    assert [r.item.label for r in profile.flagged] == ["Choix du logement",
                                                       "Intensité de l'accompagnement"]
    assert len(profile.chart.points) == 2


def test_drafts_count_in_the_list_not_in_the_scores(scale, bob_site, draft, bob):
    completed(bob_site, scale, [3, 3, 3], day=date(2025, 1, 10))
    services.save_assessment(draft, by=bob, ratings={items_of(scale)[0].pk: (1, "")})
    domains = list(scale.domains.all())
    profile = selectors.site_profile(bob_site, scale, domains, include_drafts=True)
    assert len(profile.assessments) == 2
    assert len(profile.evolution) == 1
    assert profile.latest.total_pct == 75.0
    hidden = selectors.site_profile(bob_site, scale, domains, include_drafts=False)
    assert len(hidden.assessments) == 1


def test_latest_totals_per_site_for_the_dashboards(scale, bob_site, carol_site, project):
    completed(bob_site, scale, [1, 1, 1], day=date(2024, 1, 10))
    completed(bob_site, scale, [4, 4, 2], day=date(2025, 1, 10))
    never = AdopterSiteFactory(project=project)

    totals = selectors.latest_fidelity_totals(AdopterSite.objects.filter(project=project))

    assert round(totals[bob_site.pk], 2) == round(1000 / 12, 2)
    assert totals[carol_site.pk] is None and totals[never.pk] is None


def test_the_comparison_sorts_by_total_with_sites_never_assessed_last(scale, bob_site,
                                                                    carol_site, project):
    completed(bob_site, scale, [2, 2, 2])
    completed(carol_site, scale, [4, 4, 3])
    never = AdopterSiteFactory(project=project)
    AdopterSiteFactory(project=project, status=AdopterSite.Status.WITHDRAWN)

    by_total = list(selectors.comparison_sites(project, sort="total"))
    assert [s.pk for s in by_total] == [carol_site.pk, bob_site.pk, never.pk]
    assert [s.pk for s in selectors.comparison_sites(project, sort="-total")] == [
        bob_site.pk, carol_site.pk, never.pk]

    domains = list(scale.domains.all())
    selectors.fill_comparison(by_total, scale, domains)
    assert [d.pct for d in by_total[0].domain_scores] == [100.0, 75.0]
    assert by_total[0].flagged == []
    assert len(by_total[1].flagged) == 3
    assert [d.pct for d in by_total[2].domain_scores] == [None, None]
    # Over both sites: housing (4+4+2+2)/16, support (3+2)/8.
    averages = selectors.domain_averages(project, domains)
    assert [a.pct for a in averages] == [75.0, 62.5]
