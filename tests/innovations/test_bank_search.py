"""The bank search: French full-text search, facets with counts, sorting, pagination, htmx."""

from datetime import timedelta

import pytest
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from communities.models import Territory
from innovations.models import Innovation, ScalingModelChoice, TargetPublic
from innovations.scaling import ScalingModel
from innovations.selectors.bank import BankFilters, search_bank
from innovations.services.records import refresh_search_document

from ..factories import InnovationFactory, PublishedInnovationFactory, ThemeFactory, department

pytestmark = pytest.mark.django_db

URL = reverse("innovations:bank_search")
ON_POSTGRESQL = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="French stemming and ranking need PostgreSQL full-text search",
)


def region(code: str) -> Territory:
    return Territory.objects.get(kind=Territory.Kind.REGION, code=code)


def public(name: str) -> TargetPublic:
    from django.utils.text import slugify

    return TargetPublic.objects.get_or_create(slug=slugify(name), defaults={"name": name})[0]


def bank_innovation(title, *, factory=PublishedInnovationFactory, themes=(), publics=(),
                    territories=(), models=(), **fields):
    """An innovation as the bank sees it: with its links and a fresh search document."""
    innovation = factory(title=title, **fields)
    innovation.themes.set(themes)
    innovation.publics.set(publics)
    innovation.territories.set(territories)
    for model in models:
        ScalingModelChoice.objects.create(innovation=innovation, model=model)
    refresh_search_document(innovation)
    return innovation


def titles(response) -> list[str]:
    return [innovation.title for innovation in response.context["page"].object_list]


def facet_counts(response, name) -> dict[str, int]:
    facet = next(f for f in response.context["search"].facets if f.name == name)
    return {option.value: option.count for option in facet.options}


def search(client, user, **params):
    client.force_login(user)
    response = client.get(URL, params)
    assert response.status_code == 200
    return response


# --- Who may search ----------------------------------------------------------------------


def test_every_signed_in_role_searches_the_bank(client, cast, ines):
    bank_innovation("TAPAJ", owner=ines.memberships.get().structure)
    for user in [*cast.values(), ines]:
        client.force_login(user)
        response = client.get(URL)
        assert response.status_code == 200, user
        assert titles(response) == ["TAPAJ"]


def test_anonymous_people_are_sent_to_sign_in(client):
    response = client.get(URL)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


# --- Text search -------------------------------------------------------------------------


def test_a_query_without_accents_finds_accented_text(client, oscar):
    bank_innovation("Parcours Gardien", summary="Une évaluation d'impact menée par un "
                                                "laboratoire indépendant.")
    bank_innovation("VITA Air", summary="Des ateliers de prévention pour les seniors.")

    response = search(client, oscar, q="evaluation")

    assert titles(response) == ["Parcours Gardien"]


def test_an_accented_query_finds_text_and_case_does_not_matter(client, oscar):
    bank_innovation("Lieu ressources", summary="Accueil des ELEVES decrocheurs.")
    bank_innovation("SOLENI", summary="Lutte contre la précarité énergétique.")

    assert titles(search(client, oscar, q="élèves")) == ["Lieu ressources"]
    assert titles(search(client, oscar, q="PRÉCARITÉ Énergétique")) == ["SOLENI"]


def test_every_word_of_the_query_must_match(client, oscar):
    bank_innovation("TAPAJ", summary="Travail alternatif payé à la journée pour des jeunes.")
    bank_innovation("Jeunes en ville", summary="Un accueil de jour.")

    assert titles(search(client, oscar, q="jeunes travail")) == ["TAPAJ"]


@ON_POSTGRESQL
def test_french_stemming_finds_other_forms_of_a_word(client, oscar):
    bank_innovation("Réseau d'essaimage", summary="Un programme d'essaimage national.")
    bank_innovation("Dispositif essaimé", summary="Un dispositif essaimé dans 12 villes.")
    bank_innovation("Autre chose", summary="Une épicerie solidaire.")

    response = search(client, oscar, q="essaimer")

    assert sorted(titles(response)) == ["Dispositif essaimé", "Réseau d'essaimage"]
    # Plural and singular, and the accents of the query, are forgotten too.
    assert titles(search(client, oscar, q="épiceries solidaires")) == ["Autre chose"]


@ON_POSTGRESQL
def test_web_search_syntax_excludes_words_and_matches_phrases(client, oscar):
    bank_innovation("Aller vers", summary="Aller vers les personnes isolées, sans logistique.")
    bank_innovation("Logement d'abord", summary="Aller vers un logement durable.")

    # An excluded word is excluded exactly: "logistique" is not "logement".
    assert titles(search(client, oscar, q="aller -logement")) == ["Aller vers"]
    assert titles(search(client, oscar, q='"personnes isolées"')) == ["Aller vers"]


def test_a_query_of_stop_words_or_punctuation_fails_gracefully(client, oscar):
    bank_innovation("TAPAJ")
    for query in ["le la les", "!!! ???", '"', "-", "or", "'"]:
        response = search(client, oscar, q=query)
        assert response.context["page"].paginator.count <= 1, query


def test_drafts_never_appear_even_to_their_innovators(client, ines, oscar, admin_user):
    owner = ines.memberships.get().structure
    bank_innovation("Brouillon évaluation", factory=InnovationFactory, owner=owner,
                    themes=[ThemeFactory(name="Emploi", slug="emploi")])
    bank_innovation("Archivée évaluation", status=Innovation.Status.ARCHIVED)
    bank_innovation("Publiée évaluation", themes=[ThemeFactory(name="Logement", slug="logement")])

    for user in (ines, oscar, admin_user):
        response = search(client, user, q="evaluation")
        assert titles(response) == ["Publiée évaluation"]
        assert facet_counts(response, "theme") == {"logement": 1}


# --- Facets ------------------------------------------------------------------------------


@pytest.fixture
def facet_data(db):
    """Three published innovations and a draft, with hand-counted facets.

    Nièvre (58) and Côte-d'Or (21) are in Bourgogne-Franche-Comté (27); Isère (38) is in
    Auvergne-Rhône-Alpes (84).
    """
    employment = ThemeFactory(name="Emploi", slug="emploi")
    housing = ThemeFactory(name="Logement", slug="logement")
    youth, families = public("Jeunes"), public("Familles")
    bank_innovation(
        "A", themes=[employment], publics=[youth], territories=[department("58")],
        evidence_level=Innovation.EvidenceLevel.EXPERIMENTAL, stage=Innovation.Stage.FEASIBILITY,
        models=[ScalingModel.SCALE_UP],
    )
    bank_innovation(
        "B", themes=[employment, housing], publics=[youth],
        # The région itself and one of its départements: counted once for the région.
        territories=[region("27"), department("21")],
        evidence_level=Innovation.EvidenceLevel.INTERNAL_MONITORING,
        stage=Innovation.Stage.SCALING_UP,
        models=[ScalingModel.SCALE_UP, ScalingModel.SCALE_ACROSS],
    )
    bank_innovation(
        "C", themes=[housing], publics=[families], territories=[department("38")],
        evidence_level=Innovation.EvidenceLevel.NONE, stage=Innovation.Stage.FEASIBILITY,
    )
    bank_innovation(
        "Draft", factory=InnovationFactory, themes=[employment, housing], publics=[youth],
        territories=[department("58"), department("38")], models=[ScalingModel.SCALE_UP],
    )


def test_facets_count_each_value_in_the_database(client, oscar, facet_data):
    response = search(client, oscar)

    assert sorted(titles(response)) == ["A", "B", "C"]
    assert facet_counts(response, "theme") == {"emploi": 2, "logement": 2}
    assert facet_counts(response, "territory") == {"27": 2, "84": 1}
    assert facet_counts(response, "public") == {"jeunes": 2, "familles": 1}
    assert facet_counts(response, "evidence") == {"internal_monitoring": 1, "experimental": 1,
                                                  "none": 1}
    assert facet_counts(response, "model") == {"scale_up": 2, "scale_across": 1}
    assert facet_counts(response, "stage") == {"feasibility": 2, "scaling_up": 1}


def test_a_department_counts_for_its_region(client, oscar, facet_data):
    assert sorted(titles(search(client, oscar, territory="27"))) == ["A", "B"]
    assert titles(search(client, oscar, territory="84")) == ["C"]
    # Région codes are not département codes: 38 is a département, not a région.
    assert titles(search(client, oscar, territory="38")) == []


def test_values_of_one_facet_add_up(client, oscar, facet_data):
    response = search(client, oscar, evidence=["experimental", "none"])
    assert sorted(titles(response)) == ["A", "C"]
    response = search(client, oscar, territory=["27", "84"])
    assert sorted(titles(response)) == ["A", "B", "C"]


def test_facets_narrow_each_other_down(client, oscar, facet_data):
    assert titles(search(client, oscar, theme="emploi", territory="84")) == []
    assert titles(search(client, oscar, theme="logement", territory="84")) == ["C"]
    assert titles(search(client, oscar, theme="emploi", stage="scaling_up",
                         model="scale_across")) == ["B"]


def test_facet_counts_reflect_the_other_active_filters(client, oscar, facet_data):
    response = search(client, oscar, theme="emploi")

    assert sorted(titles(response)) == ["A", "B"]
    # A facet does not narrow its own counts, so that one can add a value to it...
    assert facet_counts(response, "theme") == {"emploi": 2, "logement": 2}
    # ...while the others count only among the innovations about employment.
    assert facet_counts(response, "territory") == {"27": 2}
    assert facet_counts(response, "public") == {"jeunes": 2}
    assert facet_counts(response, "stage") == {"feasibility": 1, "scaling_up": 1}

    response = search(client, oscar, territory="27", public="familles")
    assert titles(response) == []
    # A chosen value stays on screen with its zero, so that it can be unticked.
    assert facet_counts(response, "public") == {"jeunes": 2, "familles": 0}
    assert facet_counts(response, "theme") == {}


def test_facets_follow_the_text_query(client, oscar, facet_data):
    Innovation.objects.filter(title="C").update(summary="Une évaluation du relogement.")
    refresh_search_document(Innovation.objects.get(title="C"))

    response = search(client, oscar, q="evaluation")

    assert titles(response) == ["C"]
    assert facet_counts(response, "theme") == {"logement": 1}


def test_unknown_facet_values_are_ignored(client, oscar, facet_data):
    response = search(client, oscar, theme="nothing-like-this", stage="alien",
                      territory="<script>")
    # An unknown theme matches nothing; an invalid stage or code is dropped.
    assert titles(response) == []
    assert response.context["filters"].stages == ()
    assert response.context["filters"].regions == ()


# --- Sorting and pagination ---------------------------------------------------------------


def test_without_words_the_most_recent_come_first(client, oscar):
    now = timezone.now()
    bank_innovation("Ancienne", published_at=now - timedelta(days=30))
    bank_innovation("Récente", published_at=now - timedelta(days=1))
    bank_innovation("Moyenne", published_at=now - timedelta(days=10))

    assert titles(search(client, oscar)) == ["Récente", "Moyenne", "Ancienne"]
    assert titles(search(client, oscar, sort="recent")) == ["Récente", "Moyenne", "Ancienne"]
    assert titles(search(client, oscar, sort="title")) == ["Ancienne", "Moyenne", "Récente"]
    # Relevance without words to weigh means the most recent first.
    assert titles(search(client, oscar, sort="relevance")) == ["Récente", "Moyenne", "Ancienne"]


@ON_POSTGRESQL
def test_with_words_the_most_relevant_come_first(client, oscar):
    now = timezone.now()
    bank_innovation("Un jardin", summary="Rien à voir.", problem="On y parle de mobilité.",
                    published_at=now)
    bank_innovation("Mobilité solidaire", summary="Une plateforme de mobilité.",
                    published_at=now - timedelta(days=300))

    # The title and summary weigh more than the rest of the record.
    assert titles(search(client, oscar, q="mobilite")) == ["Mobilité solidaire", "Un jardin"]
    assert titles(search(client, oscar, q="mobilite", sort="recent")) == [
        "Un jardin", "Mobilité solidaire"]


def test_results_come_twenty_to_a_page(client, oscar):
    for index in range(25):
        bank_innovation(f"Innovation {index:02}")

    first = search(client, oscar, sort="title")
    second = search(client, oscar, sort="title", page=2)

    assert len(first.context["page"].object_list) == 20
    assert titles(second) == [f"Innovation {index:02}" for index in range(20, 25)]
    assert first.context["page"].paginator.count == 25


def test_results_show_owner_themes_evidence_stage_and_endorsements(client, oscar, bob):
    from innovations.models import Endorsement

    innovation = bank_innovation(
        "TAPAJ", themes=[ThemeFactory(name="Jeunesse", slug="jeunesse")],
        evidence_level=Innovation.EvidenceLevel.EXPERIMENTAL,
    )
    Endorsement.objects.create(innovation=innovation, user=bob, kind=Endorsement.Kind.RUN_IT)
    Endorsement.objects.create(innovation=innovation, user=oscar,
                               kind=Endorsement.Kind.WANT_TO_ADOPT)

    response = search(client, oscar)

    shown = response.context["page"].object_list[0]
    assert (shown.run_it_count, shown.adopt_count) == (1, 1)
    html = response.content.decode()
    assert innovation.owner.name in html
    assert "Jeunesse" in html
    assert innovation.get_absolute_url() in html


# --- htmx and the address ----------------------------------------------------------------


def test_htmx_requests_get_the_results_and_fresh_facets_only(client, oscar, facet_data):
    client.force_login(oscar)
    response = client.get(URL, {"theme": "logement"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert 'id="bank-facets"' in html and 'hx-swap-oob="true"' in html
    assert 'id="bank-status" hx-swap-oob="innerHTML"' in html
    assert "HX-Request" in response["Vary"]
    assert sorted(titles(response)) == ["B", "C"]


def test_a_history_restore_gets_the_whole_page(client, oscar):
    client.force_login(oscar)
    response = client.get(URL, HTTP_HX_REQUEST="true", HTTP_HX_HISTORY_RESTORE_REQUEST="true")
    assert "<html" in response.content.decode()


def test_the_full_page_keeps_the_filters_in_the_form(client, oscar, facet_data):
    response = search(client, oscar, q="emploi", theme="emploi", sort="title")
    html = response.content.decode()
    assert 'value="emploi"' in html
    assert 'name="theme" value="emploi" id="facet-theme-emploi" checked' in html
    assert response.context["form"]["sort"].value() == "title"


# --- Bad input ----------------------------------------------------------------------------


@pytest.mark.parametrize("params", [
    {"q": "é" * 5000}, {"q": "\x00"}, {"q": "évaluation\x00"}, {"q": "a & b | !c <-> d:*"},
    {"q": "'; DROP TABLE innovations_innovation; --"}, {"q": "(("}, {"q": "🐝" * 300},
    {"q": "l'eau d'abord"}, {"q": "http://exemple.org/a!b?c='d'"}, {"q": "-'x' or -\"y z\""},
    {"q": "a:* & !b"}, {"q": "''''"}, {"q": "\\' \\"}, {"q": "!!!évaluation"},
    {"page": "abc"}, {"page": "-5"}, {"page": "999999"}, {"sort": "alien"},
    {"theme": ["x" * 500, "ok"]}, {"territory": "\x00"}, {"evidence": "none\x00"},
    {"model": ["scale_up"] * 200}, {"stage": "{{ 7*7 }}"}, {"public": "é"},
])
def test_the_search_survives_any_query_string(client, oscar, params):
    bank_innovation("TAPAJ", summary="Une évaluation.")
    response = search(client, oscar, **params)
    assert response.status_code == 200


def test_oversized_queries_are_refused_next_to_the_field(client, oscar):
    bank_innovation("TAPAJ")
    response = search(client, oscar, q="mot " * 100)
    assert response.context["form"].errors.as_data()["q"][0].code == "max_length"
    # The rest of the bank stays on screen.
    assert titles(response) == ["TAPAJ"]


# --- The selector, called directly ---------------------------------------------------------


def test_search_bank_combines_text_and_facets(oscar, facet_data):
    found = search_bank(oscar, BankFilters(themes=("emploi",), publics=("jeunes",)))
    assert sorted(innovation.title for innovation in found.innovations) == ["A", "B"]
