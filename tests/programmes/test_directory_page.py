"""A programme's directory: the map counts the sites that take part per département, the list
says the same by région then département, the filters narrow both, and the page asks the same
number of queries for 5 sites or 200."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Territory
from programmes.models import AdopterSite

from ..factories import (
    AdopterSiteFactory,
    ProgrammeFactory,
    ScalingProjectFactory,
    StructureFactory,
    department,
)

pytestmark = pytest.mark.django_db
S = AdopterSite.Status


def region(code: str) -> Territory:
    return Territory.objects.get(kind=Territory.Kind.REGION, code=code)


def directory_url(programme, query=""):
    url = reverse("programmes:programme_directory", args=[programme.pk])
    return f"{url}?{query}" if query else url


def map_counts(response) -> dict[str, int]:
    """The count each département of the map shows, read from the HTML."""
    html = response.content.decode()
    return {code: int(count) for code, count in
            re.findall(r'<path class="[^"]*" data-code="(\w+)" data-count="(\d+)"', html)
            if int(count)} | {
        code: int(count) for code, count in
        re.findall(r'<li data-code="(\w+)" data-count="(\d+)"', html) if int(count)}


def listed(response) -> set[int]:
    return {site.pk for site in response.context["page"].object_list}


@pytest.fixture
def second_project(programme):
    return ScalingProjectFactory(programme=programme, title="Essaimage de Lulu dans ma rue")


@pytest.fixture
def sites(bob_site, carol_site, second_project):
    """Beside bob's (58) and carol's (38) sites on TAPAJ: two more in the Nièvre on another
    project, one of them launched; a withdrawn one in the Nièvre; one on the whole
    Bourgogne-Franche-Comté; one in La Réunion; and, elsewhere, another programme's site."""
    nievre = StructureFactory(name="Régie de quartier de Nevers", city="Nevers")
    return {
        "bob": bob_site,
        "carol": carol_site,
        "nevers": AdopterSiteFactory(project=second_project, structure=nievre,
                                     territory=department("58"), status=S.LAUNCHED),
        "bob_again": AdopterSiteFactory(project=second_project, structure=bob_site.structure,
                                        territory=department("58")),
        "withdrawn": AdopterSiteFactory(project=second_project, territory=department("58"),
                                        status=S.WITHDRAWN),
        "region": AdopterSiteFactory(project=second_project, territory=region("27"),
                                     structure=StructureFactory(name="Réseau BFC",
                                                                department=None)),
        "reunion": AdopterSiteFactory(project=bob_site.project, territory=department("974"),
                                      structure=StructureFactory(department=department("974"),
                                                                 city="Saint-Denis")),
        "elsewhere": AdopterSiteFactory(project=ScalingProjectFactory(
            programme=ProgrammeFactory()), territory=department("58")),
    }


def names(response, sites_by_name) -> set[str]:
    by_pk = {site.pk: name for name, site in sites_by_name.items()}
    return {by_pk[pk] for pk in listed(response)}


# --- The map and the figures --------------------------------------------------------------------


def test_the_map_counts_the_sites_that_take_part_per_departement(client, alice, programme,
                                                                 sites):
    client.force_login(alice)
    response = client.get(directory_url(programme))
    assert response.status_code == 200
    # The withdrawn site and the other programme's site are not counted; the région's site is
    # in the list, not on the map.
    assert map_counts(response) == {"58": 3, "38": 1, "974": 1}
    figures = response.context["figures"]
    assert (figures.sites, figures.structures, figures.department_count) == (6, 5, 3)
    assert figures.sites_on_regions == 1
    assert names(response, sites) == {"bob", "carol", "nevers", "bob_again", "region",
                                      "reunion"}


def test_the_darkest_departement_is_the_one_with_most_sites(client, alice, programme, sites):
    client.force_login(alice)
    html = client.get(directory_url(programme)).content.decode()
    nievre = re.search(r'<path class="([^"]*)" data-code="58"', html).group(1)
    isere = re.search(r'<path class="([^"]*)" data-code="38"', html).group(1)
    ain = re.search(r'<path class="([^"]*)" data-code="01"', html).group(1)
    assert "choropleth-c4" in nievre
    assert "choropleth-c2" in isere  # 1 of 3: the first of three classes, the darker colours
    assert "choropleth-c0" in ain


def test_the_departements_on_the_map_filter_the_list_keeping_the_other_filters(
        client, alice, programme, sites):
    client.force_login(alice)
    html = client.get(directory_url(programme, "status=selected&page=1")).content.decode()
    assert 'href="?status=selected&amp;department=58"' in html
    assert 'department=01"' not in html  # no link to a département without sites


def test_a_withdrawn_site_leaves_the_map_and_the_list(client, alice, programme, bob_site,
                                                     carol_site):
    client.force_login(alice)
    assert map_counts(client.get(directory_url(programme))) == {"58": 1, "38": 1}
    bob_site.status = S.WITHDRAWN
    bob_site.save(update_fields=["status"])
    response = client.get(directory_url(programme))
    assert map_counts(response) == {"38": 1}
    assert listed(response) == {carol_site.pk}


def test_the_sites_of_an_archived_project_are_not_in_the_directory(client, alice, programme,
                                                                   sites, second_project):
    second_project.is_archived = True
    second_project.save(update_fields=["is_archived"])
    client.force_login(alice)
    response = client.get(directory_url(programme))
    assert map_counts(response) == {"58": 1, "38": 1, "974": 1}
    assert names(response, sites) == {"bob", "carol", "reunion"}
    assert [p.title for p in response.context["filter_form"]._projects.values()] == [
        "Essaimage de TAPAJ"]


def test_adopters_see_all_their_peers_not_only_their_own_sites(client, bob, programme, sites):
    client.force_login(bob)
    response = client.get(directory_url(programme))
    assert names(response, sites) == {"bob", "carol", "nevers", "bob_again", "region",
                                      "reunion"}


# --- The list -----------------------------------------------------------------------------------


def test_the_list_groups_sites_by_region_then_departement_with_their_figures(
        client, alice, programme, sites):
    client.force_login(alice)
    groups = client.get(directory_url(programme)).context["groups"]
    outline = [(group.name, group.site_count,
                [(t.territory.code, t.is_whole_region, t.figures.structures, t.figures.sites,
                  [s.pk for s in t.sites]) for t in group.territories])
               for group in groups]
    assert outline == [
        ("Auvergne-Rhône-Alpes", 1, [("38", False, 1, 1, [sites["carol"].pk])]),
        ("Bourgogne-Franche-Comté", 4, [
            ("27", True, 1, 1, [sites["region"].pk]),
            # bob's structure has two sites in the Nièvre: 2 structures, 3 sites.
            ("58", False, 2, 3, sorted([sites["bob"].pk, sites["bob_again"].pk])
             + [sites["nevers"].pk]),
        ]),
        ("La Réunion", 1, [("974", False, 1, 1, [sites["reunion"].pk])]),
    ]


def test_each_site_shows_its_structure_project_status_start_and_city(client, alice,
                                                                     programme, sites):
    site = sites["nevers"]
    site.start_date = "2025-03-01"
    site.save(update_fields=["start_date"])
    client.force_login(alice)
    html = client.get(directory_url(programme)).content.decode()
    assert f'<a href="{site.structure.get_absolute_url()}">Régie de quartier de Nevers</a>' in html
    assert "Essaimage de Lulu dans ma rue" in html
    assert site.project.innovation.title in html
    assert "01/03/2025" in html
    assert "Nevers" in html


def test_an_archived_structure_is_named_without_a_link(client, alice, programme, sites):
    structure = sites["nevers"].structure
    structure.is_archived = True
    structure.save(update_fields=["is_archived"])
    client.force_login(alice)
    html = client.get(directory_url(programme)).content.decode()
    assert "Régie de quartier de Nevers" in html
    assert f'href="{structure.get_absolute_url()}"' not in html


def test_the_page_says_the_list_is_the_alternative_of_the_map(client, alice, programme, sites):
    client.force_login(alice)
    html = client.get(directory_url(programme)).content.decode()
    assert 'href="#directory-list"' in html
    assert 'id="directory-list"' in html


def test_an_empty_programme_says_so(client, alice, programme):
    client.force_login(alice)
    response = client.get(directory_url(programme))
    assert response.status_code == 200
    assert map_counts(response) == {}
    assert response.context["groups"] == []


def test_the_list_is_paginated_and_the_map_counts_every_site(client, alice, programme, project):
    AdopterSiteFactory.create_batch(103, project=project, territory=department("58"))
    client.force_login(alice)
    first = client.get(directory_url(programme))
    second = client.get(directory_url(programme, "page=2"))
    assert len(listed(first)) == 100
    assert len(listed(second)) == 3
    assert map_counts(first) == map_counts(second) == {"58": 103}


# --- Filters ------------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "expected", "on_map"), [
    ("status=launched", {"nevers"}, {"58": 1}),
    ("department=58", {"bob", "nevers", "bob_again"}, {"58": 3}),
    ("region=27", {"bob", "nevers", "bob_again", "region"}, {"58": 3}),
    ("region=84", {"carol"}, {"38": 1}),
    ("department=974", {"reunion"}, {"974": 1}),
    ("region=27&status=selected", {"bob", "bob_again", "region"}, {"58": 2}),
])
def test_filters_narrow_the_list_and_the_map(client, alice, programme, sites, query, expected,
                                             on_map):
    client.force_login(alice)
    response = client.get(directory_url(programme, query))
    assert names(response, sites) == expected
    assert map_counts(response) == on_map


def test_the_project_filter(client, alice, programme, sites, second_project):
    client.force_login(alice)
    response = client.get(directory_url(programme, f"project={second_project.pk}"))
    assert names(response, sites) == {"nevers", "bob_again", "region"}
    assert map_counts(response) == {"58": 2}


@pytest.mark.parametrize("query", [
    "status=withdrawn", "status=nonsense", "department=99", "department=75", "region=x",
    "project=abc", "project=999999", "page=zzz", "page=999", "department=%00",
])
def test_unknown_filter_values_are_dropped_not_refused(client, alice, programme, sites, query):
    client.force_login(alice)
    response = client.get(directory_url(programme, query))
    assert response.status_code == 200
    if not query.startswith("page="):
        # Nothing filtered: all six sites.
        assert response.context["figures"].sites == 6


def test_a_project_of_another_programme_is_not_a_filter(client, alice, programme, sites):
    client.force_login(alice)
    other = sites["elsewhere"].project
    response = client.get(directory_url(programme, f"project={other.pk}"))
    assert response.context["figures"].sites == 6
    assert "elsewhere" not in names(response, sites)


def test_filters_only_offer_what_the_programme_has(client, alice, programme, sites):
    client.force_login(alice)
    form = client.get(directory_url(programme)).context["filter_form"]
    assert [code for code, _label in form.fields["department"].choices] == [
        "", "38", "58", "974"]
    assert {code for code, _label in form.fields["region"].choices} == {"", "04", "27", "84"}
    assert "withdrawn" not in dict(form.fields["status"].choices)


def test_with_htmx_the_filters_swap_the_results_and_the_status(client, alice, programme, sites):
    client.force_login(alice)
    response = client.get(directory_url(programme, "department=38"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html
    assert 'id="directory-status" hx-swap-oob="innerHTML"' in html
    assert "choropleth" in html
    assert "HX-Request" in response["Vary"]
    assert map_counts(response) == {"38": 1}


# --- Queries ------------------------------------------------------------------------------------


def test_the_query_count_does_not_grow_with_the_sites(client, alice, programme, project,
                                                      second_project,
                                                      django_assert_max_num_queries):
    codes = ["01", "13", "2A", "33", "38", "58", "59", "69", "75", "971", "974"]
    AdopterSiteFactory.create_batch(5, project=project, territory=department("58"))
    client.force_login(alice)

    def count(query=""):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(directory_url(programme, query)).status_code == 200
        return len(queries)

    few, few_filtered = count(), count("region=27&status=selected")
    for index in range(195):
        AdopterSiteFactory(project=(project, second_project)[index % 2],
                           territory=department(codes[index % len(codes)]),
                           status=(S.SELECTED, S.LAUNCHED, S.TRAINED)[index % 3])
    AdopterSiteFactory(project=second_project, territory=region("84"))
    many, many_filtered = count(), count("region=27&status=selected")
    assert few == many
    assert few_filtered == many_filtered
    # session, user, programme (one query for both ways in), the filters' projects and
    # territories, figures by territory and in all, the map's names, the page's count and
    # rows, the header's unread notifications
    with django_assert_max_num_queries(11):
        client.get(directory_url(programme, "page=2"))


def test_a_candidate_site_is_not_public_before_the_committee_decides(client, bob, programme,
                                                                    bob_site, carol_site):
    carol_site.status = S.CANDIDATE
    carol_site.save(update_fields=["status"])
    client.force_login(bob)
    response = client.get(directory_url(programme))
    assert map_counts(response) == {"58": 1}
    assert listed(response) == {bob_site.pk}
    assert S.CANDIDATE not in [value for value, _ in
                               response.context["filter_form"].fields["status"].choices]
