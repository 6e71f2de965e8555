"""The funders' dashboards over HTTP, for every role: the portfolio, the rows behind each
figure, the sharing with a committee and the shared dashboard."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse
from django.utils.translation import gettext

from evaluations.models import DashboardShare
from programmes.models import AdopterSite

from ..factories import (
    AdopterSiteFactory,
    GovernanceBodyFactory,
    PublishedInnovationFactory,
    ScalingProjectFactory,
    StructureFactory,
    department,
)
from .portfolio_support import build

pytestmark = pytest.mark.django_db

YEAR = {"date_from": "2025-01-01", "date_to": "2025-12-31"}
DASHBOARD = reverse("evaluations:portfolio_dashboard")


def rows_url(kind):
    return reverse("evaluations:portfolio_rows", args=[kind])


@pytest.fixture
def data(pipeline_cast, programme, project, funder_structure, bob_site, carol_site):
    # bob's and carol's sites stay candidates: the figures are portfolio_support's.
    AdopterSite.objects.filter(pk__in=[bob_site.pk, carol_site.pk]).update(
        status=AdopterSite.Status.CANDIDATE)
    return build(programme, project, funder_structure)


@pytest.fixture
def share(data, steering_committee, alice):
    return DashboardShare.objects.create(programme=data.programme, body=steering_committee,
                                         created_by=alice)


# --- The portfolio dashboard -------------------------------------------------------------------


@pytest.mark.parametrize("name", ["alice", "fanny", "admin"])
def test_staff_funders_and_admins_read_the_dashboard(client, data, pipeline_cast, name):
    client.force_login(pipeline_cast[name])

    response = client.get(DASHBOARD, YEAR)

    assert response.status_code == 200
    assert "Essaimage de SOLENI" not in response.content.decode()  # figures, not names
    assert response.context["headline"].innovations >= 2


@pytest.mark.parametrize("name", ["bob", "carol", "oscar", "remi", "camille", "paul"])
def test_adopters_outsiders_reviewers_committee_members_and_sponsors_get_a_404(
        client, data, pipeline_cast, name):
    client.force_login(pipeline_cast[name])

    assert client.get(DASHBOARD).status_code == 404
    assert client.get(rows_url("sites")).status_code == 404


def test_anonymous_visitors_are_sent_to_sign_in(client, data):
    response = client.get(DASHBOARD)

    assert response.status_code == 302
    assert "/comptes/" in response["Location"] or "login" in response["Location"]


def test_fanny_sees_her_programme_and_nothing_else(client, data, fanny):
    client.force_login(fanny)

    response = client.get(rows_url("sites"), YEAR)
    projects = client.get(rows_url("projets"), YEAR).content.decode()

    names = {site.structure.name for site in response.context["page"].object_list}
    assert names == {"Essor Nevers", "Régie Nevers", "Le Fil", "Solidarités Lille"}
    assert "Essaimage ailleurs" not in projects
    assert list(response.context["form"].fields["programme"].queryset) == [data.programme]


def test_another_funder_sees_only_what_it_funds(client, data):
    client.force_login(data.region_user)

    projects = client.get(rows_url("projets"), YEAR).context["page"].object_list

    assert {project.title for project in projects} == {"Essaimage de TAPAJ",
                                                       "Essaimage ailleurs"}
    options = client.get(rows_url("options"), YEAR).context["page"].object_list
    assert {option.funder for option in options} == {data.region}


def test_a_programme_outside_ones_portfolio_is_no_filter(client, data, fanny):
    client.force_login(fanny)

    response = client.get(DASHBOARD, {**YEAR, "programme": data.other_project.programme_id})

    assert response.status_code == 200
    assert response.context["form"].errors["programme"]
    # The figures fall back on the whole portfolio, never on the other programme.
    assert response.context["headline"].projects == 2


def test_funders_get_no_control_to_change_anything(client, data, fanny, alice):
    client.force_login(fanny)
    page = client.get(DASHBOARD, YEAR).content.decode()

    assert reverse("evaluations:share_list", args=[data.programme.pk]) not in page
    client.force_login(alice)
    assert reverse("evaluations:share_list", args=[data.programme.pk]) in client.get(
        DASHBOARD, YEAR).content.decode()


def test_the_period_filter_changes_the_figures(client, data, fanny):
    client.force_login(fanny)

    year = client.get(DASHBOARD, YEAR).context["headline"]
    half = client.get(DASHBOARD, {"date_from": "2025-01-01",
                                  "date_to": "2025-06-30"}).context["headline"]

    assert (year.people_reached, year.trainings) == (145, 2)
    assert (half.people_reached, half.trainings) == (55, 1)


def test_the_territory_filter_and_the_map_lead_to_the_sites_of_a_departement(client, data,
                                                                             fanny):
    client.force_login(fanny)

    response = client.get(DASHBOARD, {**YEAR, "territory": department("58").pk})
    map_link = client.get(DASHBOARD, YEAR).context["map"]

    assert response.context["headline"].departments == 1
    assert "departement=58" in str(map_link)
    sites = client.get(rows_url("sites"), {**YEAR, "departement": "58"}).context["page"]
    assert {site.structure.name for site in sites} == {"Essor Nevers", "Régie Nevers"}


def _new_site_in_the_gers(data):
    return AdopterSiteFactory(project=data.tapaj, status=AdopterSite.Status.LAUNCHED,
                              territory=department("32"),
                              structure=StructureFactory(department=department("32"),
                                                         city="Auch"))


def test_the_figures_are_kept_a_few_minutes_and_computed_again_on_demand(client, data,
                                                                          fanny):
    client.force_login(fanny)
    before = client.get(DASHBOARD, YEAR)
    _new_site_in_the_gers(data)

    kept = client.get(DASHBOARD, YEAR)
    refreshed = client.post(f"{DASHBOARD}?date_from=2025-01-01&date_to=2025-12-31",
                            follow=True)

    assert kept.context["headline"].departments == before.context["headline"].departments == 3
    assert refreshed.redirect_chain == [
        (f"{DASHBOARD}?date_from=2025-01-01&date_to=2025-12-31", 302)]
    assert refreshed.context["headline"].departments == 4
    assert refreshed.context["figures"].computed_at >= kept.context["figures"].computed_at
    assert gettext("The figures have been computed again.") in refreshed.content.decode()


def test_the_page_says_when_its_figures_were_computed(client, data, fanny):
    client.force_login(fanny)

    page = client.get(DASHBOARD, YEAR)

    assert page.context["figures"].computed_at is not None
    html = page.content.decode()
    assert 'method="post"' in html and "csrfmiddlewaretoken" in html


def test_one_funders_kept_figures_are_never_anothers(client, data, fanny, alice):
    client.force_login(fanny)
    assert client.get(DASHBOARD, YEAR).context["headline"].money.optioned == Decimal("60000")

    client.force_login(alice)
    # The same projects, but staff count every funder's money.
    assert client.get(DASHBOARD, YEAR).context["headline"].money.optioned == Decimal("100000")


@pytest.mark.parametrize("name", ["bob", "oscar", "camille"])
def test_people_without_a_portfolio_cannot_compute_its_figures(client, data, pipeline_cast,
                                                                name):
    client.force_login(pipeline_cast[name])

    assert client.post(DASHBOARD).status_code == 404


def test_computing_again_needs_the_csrf_token(client, data, fanny):
    from django.test import Client

    guarded = Client(enforce_csrf_checks=True)
    guarded.force_login(fanny)
    client.force_login(fanny)

    assert guarded.post(DASHBOARD).status_code == 403
    assert client.put(DASHBOARD).status_code == 405


def test_every_figure_links_to_its_rows_with_the_filters(client, data, fanny):
    client.force_login(fanny)

    page = client.get(DASHBOARD, YEAR).content.decode()

    for kind in ("innovations", "structures", "methodes", "personnes-touchees", "sites",
                 "formations", "personnes-formees", "options", "versements", "projets"):
        assert f"{rows_url(kind)}?date_from=2025-01-01&amp;date_to=2025-12-31" in page


@pytest.mark.parametrize("kind, params, expected", [
    ("innovations", {}, 2),
    ("structures", {}, 4),
    ("sites", {}, 4),
    ("methodes", {}, 3),
    ("personnes-touchees", {}, 3),
    ("formations", {}, 2),
    ("personnes-formees", {}, 3),
    ("options", {}, 1),
    ("options", {"statut": "confirmed"}, 1),
    ("versements", {}, 2),
    ("projets", {}, 2),
    ("projets", {"etape": "identification"}, 2),
    ("projets", {"etape": "evaluation"}, 0),
])
def test_the_rows_behind_each_figure(client, data, fanny, kind, params, expected):
    client.force_login(fanny)

    response = client.get(rows_url(kind), {**YEAR, **params})

    assert response.status_code == 200
    assert response.context["page"].paginator.count == expected


def test_people_reached_rows_show_each_sites_figure(client, data, fanny):
    client.force_login(fanny)

    rows = client.get(rows_url("personnes-touchees"), YEAR).context["people"]

    totals = {row.site.structure.name: row.total for row in rows}
    assert totals == {"Essor Nevers": 40, "Le Fil": 5, "Solidarités Lille": 100}


def test_an_unknown_kind_of_rows_is_a_404(client, data, fanny):
    client.force_login(fanny)

    assert client.get(rows_url("secrets")).status_code == 404


def _more_projects(programme, count):
    for n in range(count):
        project = ScalingProjectFactory(programme=programme, title=f"Projet {n}",
                                        innovation=PublishedInnovationFactory(title=f"I{n}"))
        for code in ("13", "33", "59"):
            AdopterSiteFactory(project=project, status=AdopterSite.Status.LAUNCHED,
                               territory=department(code),
                               structure=StructureFactory(department=department(code),
                                                          city=f"Ville {n}"))


def test_the_dashboard_query_count_does_not_grow_with_the_portfolio(
        client, data, fanny, django_assert_max_num_queries):
    client.force_login(fanny)
    client.get(DASHBOARD, YEAR)  # fills the content-type cache
    # The indicator figures computed afresh each time (the cache emptied): session, user,
    # header; portfolio; filters' programmes, themes, territories; reporting anchor;
    # headline (7); indicator figures (indicators 2, key 3, totals 4, people 2); funnel;
    # fidelity; map; report funders and panels; latest reports.
    cache.clear()
    with django_assert_max_num_queries(40) as few:
        client.get(DASHBOARD, YEAR)
    _more_projects(data.programme, 6)
    cache.clear()
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(DASHBOARD, YEAR)
    # From the cache (kept five minutes), the figures cost no query.
    with django_assert_max_num_queries(len(few.captured_queries) - 6):
        client.get(DASHBOARD, YEAR)


@pytest.mark.parametrize("kind", ["sites", "structures", "personnes-touchees", "options",
                                  "versements", "projets", "innovations"])
def test_rows_query_count_does_not_grow(client, data, fanny, kind,
                                        django_assert_max_num_queries):
    client.force_login(fanny)
    client.get(rows_url(kind), YEAR)
    with django_assert_max_num_queries(30) as few:
        client.get(rows_url(kind), YEAR)
    _more_projects(data.programme, 5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(rows_url(kind), YEAR)


# --- Sharing with a committee ------------------------------------------------------------------


def test_staff_share_the_dashboard_with_a_committee(client, data, alice, steering_committee):
    client.force_login(alice)
    url = reverse("evaluations:share_list", args=[data.programme.pk])

    response = client.post(url, {"body": steering_committee.pk})
    again = client.post(url, {"body": steering_committee.pk})

    assert response.status_code == again.status_code == 302
    share = DashboardShare.objects.get()
    assert (share.body, share.created_by, share.is_active) == (steering_committee, alice, True)
    page = client.get(url).content.decode()
    assert reverse("evaluations:shared_dashboard", args=[share.token]) in page
    assert "Alice Martin" in page


def test_a_committee_of_another_programme_cannot_be_chosen(client, data, alice):
    client.force_login(alice)
    elsewhere = GovernanceBodyFactory(project=data.other_project, name="COPIL ailleurs")

    response = client.post(reverse("evaluations:share_list", args=[data.programme.pk]),
                           {"body": elsewhere.pk})

    assert response.status_code == 200
    assert response.context["form"].errors["body"]
    assert not DashboardShare.objects.exists()


@pytest.mark.parametrize("name, status", [("fanny", 403), ("bob", 404), ("oscar", 404),
                                          ("camille", 404)])
def test_only_the_programmes_staff_share_it(client, data, pipeline_cast, steering_committee,
                                            name, status):
    client.force_login(pipeline_cast[name])
    url = reverse("evaluations:share_list", args=[data.programme.pk])

    assert client.get(url).status_code == status
    assert client.post(url, {"body": steering_committee.pk}).status_code == status
    assert not DashboardShare.objects.exists()


def test_committee_members_read_the_shared_dashboard_while_it_is_active(client, share,
                                                                        camille, alice):
    url = reverse("evaluations:shared_dashboard", args=[share.token])
    client.force_login(camille)

    response = client.get(url, YEAR)
    rows = client.get(reverse("evaluations:shared_rows", args=[share.token, "sites"]), YEAR)

    assert response.status_code == rows.status_code == 200
    assert response.context["headline"].people_reached == 145
    # A committee reads every funder's money.
    assert response.context["headline"].money.optioned == Decimal("100000")
    assert "programme" not in response.context["form"].fields

    client.force_login(alice)
    assert client.post(reverse("evaluations:share_revoke", args=[share.pk])).status_code == 302
    client.force_login(camille)
    assert client.get(url).status_code == 404
    share.refresh_from_db()
    assert share.revoked_by == alice


def test_committee_members_compute_the_shared_figures_again(client, share, camille, data):
    url = reverse("evaluations:shared_dashboard", args=[share.token])
    client.force_login(camille)
    client.get(url, YEAR)
    _new_site_in_the_gers(data)

    response = client.post(f"{url}?date_from=2025-01-01&date_to=2025-12-31", follow=True)

    assert response.context["headline"].departments == 4
    share.revoked_at = share.created_at
    share.save(update_fields=["revoked_at"])
    assert client.post(url).status_code == 404


@pytest.mark.parametrize("name", ["fanny", "bob", "oscar", "paul", "alice"])
def test_the_shared_dashboard_is_a_404_for_anyone_not_on_the_committee(client, share,
                                                                       pipeline_cast, name):
    client.force_login(pipeline_cast[name])

    assert client.get(reverse("evaluations:shared_dashboard",
                              args=[share.token])).status_code == 404
    assert client.get(reverse("evaluations:shared_rows",
                              args=[share.token, "sites"])).status_code == 404


@pytest.mark.parametrize("name", ["fanny", "camille", "oscar"])
def test_only_staff_revoke_a_share(client, share, pipeline_cast, name):
    client.force_login(pipeline_cast[name])

    response = client.post(reverse("evaluations:share_revoke", args=[share.pk]))

    assert response.status_code == 404
    share.refresh_from_db()
    assert share.is_active


def test_a_share_of_an_archived_programme_closes(client, share, camille):
    share.programme.is_archived = True
    share.programme.save(update_fields=["is_archived"])
    client.force_login(camille)

    assert client.get(reverse("evaluations:shared_dashboard",
                              args=[share.token])).status_code == 404


# --- Navigation --------------------------------------------------------------------------------


def test_the_header_and_home_lead_funders_and_staff_to_the_dashboard(client, data,
                                                                     pipeline_cast):
    for name, expected in [("fanny", True), ("alice", True), ("bob", False),
                           ("oscar", False)]:
        client.force_login(pipeline_cast[name])
        page = client.get(reverse("home")).content.decode()
        assert (f'href="{DASHBOARD}"' in page) is expected, name


def test_demo_seed_gives_every_headline_a_figure(db, django_capture_on_commit_callbacks):
    from django.core.management import call_command

    from communities.models import User
    from evaluations.selectors import portfolio
    from evaluations.selectors.aggregation import Scope

    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=open("/dev/null", "w"))
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # idempotent
    fanny = User.objects.get(email="fanny@essaimage.test")
    figures = portfolio.headline_figures(portfolio.select(
        portfolio.portfolio_for_user(fanny),
        Scope(date_from=date(2020, 1, 1), date_to=date(2020, 12, 31))))

    assert all([figures.innovations, figures.structures, figures.methods,
                figures.people_reached, figures.departments, figures.communes,
                figures.trainings, figures.people_trained, figures.money.optioned,
                figures.money.confirmed, figures.money.paid])
