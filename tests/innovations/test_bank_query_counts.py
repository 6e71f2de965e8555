"""The bank's pages run as many queries for 5 rows as for 40."""

import itertools

import pytest
from django.urls import reverse

from communities.models import Territory
from innovations.models import Innovation, Resource, ScalingModelChoice, TargetPublic
from innovations.scaling import ScalingModel
from innovations.services import bank as services
from innovations.services.records import refresh_search_document

from ..factories import (
    MembershipFactory,
    PublishedInnovationFactory,
    ResourceFactory,
    ThemeFactory,
    UserFactory,
    department,
)

pytestmark = pytest.mark.django_db

# session, user, then one query per facet (theme, région, public, evidence, model, stage),
# the count, the page of innovations with their endorsement counts, their owners, their themes
SEARCH_QUERIES = 13
# session, user, count, page of resources with innovation and ratings, their publishers
RESOURCE_LIST_QUERIES = 6


def fill_bank(count):
    themes = [ThemeFactory(name=name, slug=name.lower()) for name in ("Emploi", "Logement",
                                                                       "Santé")]
    publics = [TargetPublic.objects.get_or_create(slug=slug, defaults={"name": slug})[0]
               for slug in ("jeunes", "familles")]
    places = itertools.cycle([department("58"), department("38"),
                              Territory.objects.get(kind="region", code="11")])
    models = itertools.cycle(ScalingModel.values)
    author = UserFactory()
    for index in range(count):
        innovation = PublishedInnovationFactory(
            summary="Une évaluation d'un dispositif d'emploi.",
            evidence_level=Innovation.EvidenceLevel.values[index % 4],
            stage=Innovation.Stage.values[index % 5],
        )
        innovation.themes.set(themes[: 1 + index % 3])
        innovation.publics.set(publics[: 1 + index % 2])
        innovation.territories.set([next(places), next(places)])
        ScalingModelChoice.objects.create(innovation=innovation, model=next(models))
        refresh_search_document(innovation)
        services.endorse_innovation(innovation, user=author, kind="run_it")


def search_queries(client, user, count, django_assert_max_num_queries, params):
    fill_bank(count)
    client.force_login(user)
    with django_assert_max_num_queries(SEARCH_QUERIES) as context:
        response = client.get(reverse("innovations:bank_search"), params)
    assert response.status_code == 200
    assert response.context["page"].object_list
    return len(context.captured_queries)


@pytest.mark.parametrize("params", [
    {},
    {"q": "evaluation"},
    {"q": "emploi", "theme": ["emploi", "sante"], "territory": "27", "sort": "title"},
    {"evidence": ["none", "experimental"], "model": ["scale_deep", "scale_up"],
     "stage": ["identification", "evaluation"], "public": "jeunes"},
    {"page": "2"},
])
def test_bank_search_query_count_does_not_grow(client, oscar, django_assert_max_num_queries,
                                               params):
    small = search_queries(client, oscar, 5 if params != {"page": "2"} else 25,
                           django_assert_max_num_queries, params)
    Innovation.objects.all().delete()
    large = search_queries(client, oscar, 40, django_assert_max_num_queries, params)
    assert small == large


def test_htmx_search_runs_the_same_queries(client, oscar, django_assert_max_num_queries):
    fill_bank(10)
    client.force_login(oscar)
    with django_assert_max_num_queries(SEARCH_QUERIES):
        client.get(reverse("innovations:bank_search"), {"q": "emploi"}, HTTP_HX_REQUEST="true")


def fill_shelf(count):
    raters = [UserFactory() for _ in range(3)]
    author = UserFactory()
    structure = MembershipFactory(user=author).structure
    innovation = PublishedInnovationFactory(owner=structure)
    for index in range(count):
        resource = ResourceFactory(created_by=author, structure=structure,
                                   innovation=innovation if index % 2 else None)
        for rater in raters[: index % 4]:
            services.rate_resource(resource, user=rater, stars=1 + index % 5)
    Resource.objects.update(search_text="guide d'essaimage")


@pytest.mark.parametrize("params", [
    {}, {"sort": "rating"}, {"sort": "downloads", "kind": "guide", "licence": "cc_by_sa"},
    {"q": "guide"},
])
def test_resource_list_query_count_does_not_grow(client, oscar, django_assert_max_num_queries,
                                                 params):
    def queries(count):
        fill_shelf(count)
        client.force_login(oscar)
        with django_assert_max_num_queries(RESOURCE_LIST_QUERIES) as context:
            response = client.get(reverse("innovations:resource_list"), params)
        assert response.context["page"].object_list
        return len(context.captured_queries)

    assert queries(5) == queries(40)


def test_resource_list_for_one_innovation_adds_one_query(client, oscar,
                                                         django_assert_max_num_queries):
    innovation = PublishedInnovationFactory()
    ResourceFactory.create_batch(30, innovation=innovation)
    client.force_login(oscar)
    # The innovation named in the address is checked: it must be visible.
    with django_assert_max_num_queries(RESOURCE_LIST_QUERIES + 1):
        client.get(reverse("innovations:resource_list"), {"innovation": innovation.pk})


def test_resource_page_query_count_does_not_grow(client, oscar, django_assert_max_num_queries):
    author = UserFactory()
    resource = services.create_resource(created_by=author, title="Guide",
                                        url="https://example.org/1")

    def queries(count):
        for index in range(count):
            services.rate_resource(resource, user=UserFactory(), stars=1 + index % 5,
                                   comment="Utile")
            services.update_resource(resource, by=author, url=f"https://example.org/{index}")
        client.force_login(oscar)
        # session, user, resource, edit check, average, latest ratings, own rating, history
        with django_assert_max_num_queries(8) as context:
            client.get(resource.get_absolute_url())
        return len(context.captured_queries)

    assert queries(3) == queries(30)


def test_adoption_interests_query_count_does_not_grow(client, ines, ines_structure,
                                                      django_assert_max_num_queries):
    innovation = PublishedInnovationFactory(owner=ines_structure)

    def queries(count):
        for _ in range(count):
            membership = MembershipFactory()
            services.endorse_innovation(innovation, user=membership.user, kind="want_to_adopt",
                                        structure=membership.structure, comment="Intéressés")
        client.force_login(ines)
        # session, user, innovation, moderator check, count, page with people and structures
        with django_assert_max_num_queries(7) as context:
            client.get(reverse("innovations:adoption_interests", args=[innovation.pk]))
        return len(context.captured_queries)

    assert queries(3) == queries(40)
