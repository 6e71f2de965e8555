"""Every page of the innovation record, for every role of the cast: who reads, who edits."""

import pytest
from django.urls import reverse

from communities.models import Membership
from innovations.models import Component, Innovation, Partner
from innovations.services import records as services

from ..factories import (
    ApplicationFactory,
    ComponentFactory,
    InnovationFactory,
    MembershipFactory,
    PublishedInnovationFactory,
    ThemeFactory,
)

pytestmark = pytest.mark.django_db

SECTIONS = ["description", "evidence", "model", "conditions", "partners", "economics", "scaling"]
OTHERS = ["alice", "bob", "carol", "fanny", "remi", "oscar"]


@pytest.fixture
def colleague(ines_structure):
    """A plain member of the innovator's structure."""
    return MembershipFactory(structure=ines_structure, role=Membership.Role.MEMBER).user


@pytest.fixture
def people(cast, ines, colleague):
    return {**cast, "ines": ines, "colleague": colleague}


@pytest.fixture
def draft(ines, ines_structure):
    return services.create_innovation(owner=ines_structure, author=ines, title="TAPAJ",
                                      summary="Travail alternatif payé à la journée.")


@pytest.fixture
def published(ines_structure):
    innovation = PublishedInnovationFactory(owner=ines_structure, title="TAPAJ publié")
    ComponentFactory(innovation=innovation)
    innovation.themes.add(ThemeFactory(name="Emploi", slug="emploi"))
    services.record_changed(innovation, author=None)
    return innovation


def status(client, user, url, method="get", data=None):
    client.force_login(user)
    return getattr(client, method)(url, data or {}).status_code


# --- Who reads the record ----------------------------------------------------------------------


@pytest.mark.parametrize(("name", "expected"), [
    ("ines", 200), ("colleague", 200), ("admin", 200), *[(n, 404) for n in OTHERS],
])
def test_a_draft_is_read_by_its_structure_and_admins_only(client, people, draft, name,
                                                          expected):
    url = reverse("innovations:innovation_detail", args=[draft.pk])
    assert status(client, people[name], url) == expected


@pytest.mark.parametrize("name", ["ines", "colleague", "admin", *OTHERS])
def test_a_published_record_is_read_by_everyone_signed_in(client, people, published, name):
    url = reverse("innovations:innovation_detail", args=[published.pk])
    assert status(client, people[name], url) == 200


@pytest.mark.parametrize("url_name", ["innovation_detail", "innovation_versions"])
def test_anonymous_visitors_are_sent_to_sign_in(client, published, url_name):
    response = client.get(reverse(f"innovations:{url_name}", args=[published.pk]))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_staff_of_a_call_read_the_draft_born_from_an_application_but_do_not_edit_it(
        client, alice, open_call, draft):
    ApplicationFactory(call=open_call, structure=draft.owner, innovation=draft)
    assert status(client, alice, draft.get_absolute_url()) == 200
    edit = reverse("innovations:innovation_edit", args=[draft.pk, "description"])
    assert status(client, alice, edit) == 403


def test_the_record_page_shows_every_section(client, ines, draft):
    services.update_dispositif(
        draft, author=ines, steps=[{"title": "Repérage"}, {"title": "Phase 1"}],
        core_components=[{"title": "Paiement le jour même"}],
        adaptable_components=[{"title": "Nature des chantiers"}])
    services.update_partners(draft, author=ines, partners=[
        {"name": "Mairie", "phase": "launch"}, {"name": "SNCF", "phase": "operation"},
        {"name": "Fédération Addiction", "phase": "design"}])
    client.force_login(ines)
    response = client.get(draft.get_absolute_url())
    page = response.context["page"]
    assert [s.title for s in page.steps] == ["Repérage", "Phase 1"]
    assert [c.title for c in page.core_components] == ["Paiement le jour même"]
    assert [c.title for c in page.adaptable_components] == ["Nature des chantiers"]
    assert [g.phase for g in page.partner_groups] == ["design", "launch", "operation"]
    assert page.latest_revision.number == 3
    assert response.context["can_edit"]
    # Still missing before publication: the problem and a theme, both in the description.
    assert [gap.section for gap in response.context["gaps"]] == ["description", "description"]


def test_readers_see_no_edit_links_nor_publication(client, oscar, published):
    client.force_login(oscar)
    response = client.get(published.get_absolute_url())
    assert not response.context["can_edit"]
    assert response.context["gaps"] == []
    assert reverse("innovations:innovation_edit", args=[published.pk, "description"]) not in (
        response.content.decode())


# --- Who edits the record ----------------------------------------------------------------------


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize(("name", "expected"), [
    ("ines", 200), ("colleague", 200), ("admin", 200), *[(n, 404) for n in OTHERS],
])
def test_only_the_structure_opens_the_sections_of_a_draft(client, people, draft, section,
                                                          name, expected):
    url = reverse("innovations:innovation_edit", args=[draft.pk, section])
    assert status(client, people[name], url) == expected


@pytest.mark.parametrize("section", SECTIONS)
@pytest.mark.parametrize(("name", "expected"), [
    ("ines", 200), ("colleague", 200), ("admin", 200), *[(n, 403) for n in OTHERS],
])
def test_readers_of_a_published_record_may_not_edit_it(client, people, published, section,
                                                       name, expected):
    url = reverse("innovations:innovation_edit", args=[published.pk, section])
    assert status(client, people[name], url) == expected
    assert status(client, people[name], url, "post", {"comment": "x"}) in (expected, 302)


@pytest.mark.parametrize("name", OTHERS)
def test_a_refused_edit_writes_nothing(client, people, published, name):
    url = reverse("innovations:innovation_edit", args=[published.pk, "conditions"])
    assert status(client, people[name], url, "post", {"prerequisites": "Piraté"}) == 403
    published.refresh_from_db()
    assert published.prerequisites == ""
    assert published.revisions.count() == 1


def test_an_unknown_section_is_not_found(client, ines, draft):
    url = reverse("innovations:innovation_edit", args=[draft.pk, "finances"])
    assert status(client, ines, url) == 404


def test_editing_a_section_saves_it_and_keeps_a_version(client, ines, draft):
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[draft.pk, "conditions"])
    response = client.post(url, {"prerequisites": "Un CAARUD.", "success_factors": "",
                                 "failure_factors": "", "comment": "Prérequis", "base_version": 1})
    assert response.status_code == 302
    assert response["Location"] == f"{draft.get_absolute_url()}#conditions"
    draft.refresh_from_db()
    assert draft.prerequisites == "Un CAARUD."
    revision = draft.revisions.order_by("-number").first()
    assert (revision.number, revision.author, revision.comment) == (2, ines, "Prérequis")


def test_the_description_page_saves_lists_of_themes_publics_and_territories(client, ines, draft):
    from ..factories import department

    theme = ThemeFactory(name="Jeunesse", slug="jeunesse")
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[draft.pk, "description"])
    initial = client.get(url).context["form"].initial
    assert initial["title"] == "TAPAJ"
    response = client.post(url, {
        "title": "TAPAJ", "summary": "Travail alternatif payé à la journée.",
        "problem": "Des jeunes en errance.", "themes": [theme.pk],
        "territories": [department("33").pk, department("33").parent_id],
        "beneficiaries_per_year": "1 200",
    })
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.beneficiaries_per_year == 1200
    assert list(draft.themes.all()) == [theme]
    assert draft.territories.count() == 2


def test_bad_input_keeps_what_was_typed_and_writes_nothing(client, ines, draft):
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[draft.pk, "description"])
    response = client.post(url, {"title": "", "summary": "Nouveau résumé",
                                 "beneficiaries_per_year": "-3"})
    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors.as_data()["title"][0].code == "required"
    assert form.errors.as_data()["beneficiaries_per_year"][0].code == "min_value"
    assert form["summary"].value() == "Nouveau résumé"
    draft.refresh_from_db()
    assert draft.summary == "Travail alternatif payé à la journée."
    assert draft.revisions.count() == 1


def test_saving_twice_without_change_keeps_one_version(client, ines, draft):
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[draft.pk, "evidence"])
    data = {"evidence_level": "internal_monitoring", "evidence_references": "Suivi interne"}
    client.post(url, data)
    client.post(url, data)
    assert draft.revisions.count() == 2


def test_someone_elses_save_meanwhile_is_not_overwritten(client, ines, colleague, draft):
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[draft.pk, "conditions"])
    opened = client.get(url).context["base_version"]
    services.update_conditions(draft, author=colleague, prerequisites="Sa version")
    data = {"prerequisites": "Ma version", "base_version": opened}
    response = client.post(url, data)
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["__all__"][0].code == "stale_version"
    assert response.context["form"]["prerequisites"].value() == "Ma version"
    draft.refresh_from_db()
    assert draft.prerequisites == "Sa version"
    # Having looked, saving again replaces it.
    data["base_version"] = response.context["base_version"]
    assert client.post(url, data).status_code == 302
    draft.refresh_from_db()
    assert draft.prerequisites == "Ma version"


# --- Lists: add, remove, reorder ------------------------------------------------------------


def management(prefix, total, initial=0):
    return {f"{prefix}-TOTAL_FORMS": str(total), f"{prefix}-INITIAL_FORMS": str(initial),
            f"{prefix}-MIN_NUM_FORMS": "0", f"{prefix}-MAX_NUM_FORMS": "1000"}


def model_data(steps=(), core=(), adaptable=(), **extra):
    data = {}
    for prefix, rows in (("steps", steps), ("core", core), ("adaptable", adaptable)):
        initial = sum(1 for row in rows if row.get("id"))
        data.update(management(prefix, len(rows), initial))
        for index, row in enumerate(rows):
            data.update({f"{prefix}-{index}-{key}": value for key, value in row.items()})
    return {**data, **extra}


def test_the_model_page_adds_reorders_and_removes_rows(client, ines, draft):
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[draft.pk, "model"])
    response = client.post(url, model_data(
        steps=[{"title": "Repérage", "ORDER": "2"}, {"title": "Phase 1", "ORDER": "1"}],
        core=[{"title": "Paiement le jour même"}],
        adaptable=[{"title": "Nature des chantiers"}, {"title": "", "description": ""}],
    ))
    assert response.status_code == 302
    assert [s.title for s in draft.steps.all()] == ["Phase 1", "Repérage"]
    steps = {s.title: s.pk for s in draft.steps.all()}
    core = draft.components.get(kind=Component.Kind.CORE)
    adaptable = draft.components.get(kind=Component.Kind.ADAPTABLE)
    response = client.post(url, model_data(
        steps=[{"id": steps["Phase 1"], "title": "Phase 1", "ORDER": "1", "DELETE": "on"},
               {"id": steps["Repérage"], "title": "Repérage en rue", "ORDER": "2"}],
        core=[{"id": core.pk, "title": "Paiement le jour même"}],
        adaptable=[{"id": adaptable.pk, "title": "Nature des chantiers"}],
    ))
    assert response.status_code == 302
    assert [s.title for s in draft.steps.all()] == ["Repérage en rue"]
    assert draft.components.count() == 2


def test_adding_a_row_shows_one_more_empty_row_and_saves_nothing(client, ines, draft):
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[draft.pk, "model"])
    response = client.post(url, model_data(steps=[{"title": "Repérage"}], add="steps"))
    assert response.status_code == 200
    block = response.context["formsets"][0]
    assert len(block.formset.forms) == 2
    assert block.formset.forms[0]["title"].value() == "Repérage"
    assert not draft.steps.exists()


def test_a_row_of_another_record_is_refused(client, ines, draft):
    foreign = ComponentFactory(innovation=InnovationFactory(), title="Autre")
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[draft.pk, "model"])
    response = client.post(url, model_data(core=[{"id": foreign.pk, "title": "Volé"}]))
    assert response.status_code == 200
    codes = [e.code for e in response.context["form"].errors.as_data()["__all__"]]
    assert codes == ["unknown_item"]
    foreign.refresh_from_db()
    assert foreign.title == "Autre"


def test_partners_named_like_a_structure_of_the_directory_are_linked(client, ines, draft,
                                                                    bob_structure):
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[draft.pk, "partners"])
    data = {**management("partners", 2),
            "partners-0-name": "essor emploi nièvre", "partners-0-phase": "scaling",
            "partners-1-name": "SNCF Réseau", "partners-1-phase": "operation",
            "partners-1-contribution": "Chantiers"}
    assert client.post(url, data).status_code == 302
    linked, other = draft.partners.order_by("phase")[1], draft.partners.order_by("phase")[0]
    assert (linked.structure, linked.phase) == (bob_structure, Partner.Phase.SCALING)
    assert other.structure is None


def test_the_partner_page_suggests_structures_of_the_directory(client, ines, draft,
                                                             bob_structure):
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[draft.pk, "partners"])
    response = client.get(url, {"partners-0-name": "essor"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert list(response.context["structures"]) == [bob_structure]


# --- Creating -------------------------------------------------------------------------------


def test_members_create_a_draft_for_their_structure(client, ines, ines_structure):
    client.force_login(ines)
    url = reverse("innovations:innovation_create")
    assert client.get(url).status_code == 200
    response = client.post(url, {"owner": ines_structure.pk, "title": "TAPAJ",
                                 "summary": "Travail alternatif payé à la journée."})
    innovation = Innovation.objects.get()
    assert response["Location"] == reverse("innovations:innovation_edit",
                                           args=[innovation.pk, "description"])
    assert (innovation.owner, innovation.status) == (ines_structure, Innovation.Status.DRAFT)
    assert innovation.revisions.get().author == ines


def test_nobody_creates_a_record_for_a_structure_they_do_not_belong_to(client, ines,
                                                                       bob_structure):
    client.force_login(ines)
    response = client.post(reverse("innovations:innovation_create"), {
        "owner": bob_structure.pk, "title": "Usurpé", "summary": "…"})
    assert response.status_code == 200
    assert response.context["form"].errors.as_data()["owner"][0].code == "invalid_choice"
    assert not Innovation.objects.exists()


def test_people_without_a_structure_are_told_to_join_one(client, oscar):
    client.force_login(oscar)
    url = reverse("innovations:innovation_create")
    response = client.get(url)
    assert response.status_code == 200
    assert not response.context["has_structure"]
    client.post(url, {"title": "X", "summary": "Y"})
    assert not Innovation.objects.exists()


# --- Publishing -----------------------------------------------------------------------------


def test_an_incomplete_record_is_not_published_and_the_gaps_are_listed(client, ines, draft):
    client.force_login(ines)
    response = client.post(reverse("innovations:innovation_publish", args=[draft.pk]))
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.status == Innovation.Status.DRAFT
    page = client.get(draft.get_absolute_url())
    assert len(page.context["gaps"]) == 3


def test_a_complete_record_is_published(client, ines, draft):
    services.update_description(draft, author=ines, problem="Des jeunes en errance.",
                                themes=[ThemeFactory(name="Emploi", slug="emploi")])
    ComponentFactory(innovation=draft)
    client.force_login(ines)
    response = client.post(reverse("innovations:innovation_publish", args=[draft.pk]))
    assert response["Location"] == draft.get_absolute_url()
    draft.refresh_from_db()
    assert draft.is_published


@pytest.mark.parametrize(("name", "expected"), [
    *[(n, 404) for n in OTHERS],
])
def test_others_cannot_publish_a_draft(client, people, draft, name, expected):
    url = reverse("innovations:innovation_publish", args=[draft.pk])
    assert status(client, people[name], url, "post") == expected
    draft.refresh_from_db()
    assert draft.status == Innovation.Status.DRAFT


@pytest.mark.parametrize("name", OTHERS)
def test_readers_of_a_published_record_cannot_publish_it_again(client, people, published, name):
    url = reverse("innovations:innovation_publish", args=[published.pk])
    assert status(client, people[name], url, "post") == 403


def test_publishing_needs_a_post(client, ines, draft):
    assert status(client, ines, reverse("innovations:innovation_publish", args=[draft.pk])) == 405


# --- Query counts -----------------------------------------------------------------------------


def test_record_page_query_count_does_not_grow(client, ines, ines_structure,
                                               django_assert_max_num_queries):
    from innovations.models import EconomicLine, Step

    from ..factories import StructureFactory

    innovation = InnovationFactory(owner=ines_structure, beneficiaries_per_year=10)
    client.force_login(ines)

    def count():
        # session, user, record and owner, edit right, themes, publics, territories, steps,
        # components, partners with their structures, grid lines, model choices, last
        # version, core components (for publication): 14; then the bank panel's 4 reads
        # (viewer's memberships, endorsement counts, comments, resources).
        with django_assert_max_num_queries(14 + 5) as captured:
            assert client.get(innovation.get_absolute_url()).status_code == 200
        return len(captured.captured_queries)

    def grow(n):
        for index in range(n):
            Step.objects.create(innovation=innovation, title=f"Étape {index}", order=index)
            ComponentFactory(innovation=innovation, kind="core")
            ComponentFactory(innovation=innovation, kind="adaptable")
            Partner.objects.create(innovation=innovation, name=f"P{index}",
                                   structure=StructureFactory())
            EconomicLine.objects.create(innovation=innovation, category="running_cost",
                                        label=f"L{index}", amount=10, unit="euros",
                                        period="per_month")
            innovation.themes.add(ThemeFactory())

    grow(1)
    small = count()
    grow(30)
    assert count() == small


# --- Saving a page as the browser shows it ------------------------------------------------------


class BrowserForm:
    """What a browser submits for the record's form, untouched (a small HTML reader)."""

    def __init__(self, html: str):
        from html.parser import HTMLParser

        data, state = [], {"select": None, "options": [], "textarea": None, "in_form": False}

        class Reader(HTMLParser):
            def handle_starttag(self, tag, attrs):
                attrs = dict(attrs)
                if tag == "form" and attrs.get("method") == "post" and "record-form" in (
                        attrs.get("class") or ""):
                    state["in_form"] = True
                if not state["in_form"]:
                    return
                if tag == "input" and attrs.get("name"):
                    kind = attrs.get("type", "text")
                    if kind in ("checkbox", "radio"):
                        if "checked" in attrs:
                            data.append((attrs["name"], attrs.get("value", "on")))
                    elif kind != "submit":
                        data.append((attrs["name"], attrs.get("value") or ""))
                elif tag == "select":
                    state["select"], state["options"] = attrs["name"], []
                elif tag == "option" and state["select"]:
                    state["options"].append((attrs.get("value", ""), "selected" in attrs))
                elif tag == "textarea":
                    state["textarea"] = [attrs["name"], ""]

            def handle_data(self, text):
                if state["textarea"] is not None:
                    state["textarea"][1] += text

            def handle_endtag(self, tag):
                if tag == "form":
                    state["in_form"] = False
                elif tag == "select" and state["select"]:
                    options = state["options"]
                    chosen = [v for v, selected in options if selected] or [options[0][0]]
                    data.append((state["select"], chosen[0]))
                    state["select"] = None
                elif tag == "textarea" and state["textarea"] is not None:
                    name, text = state["textarea"]
                    data.append((name, text[1:] if text.startswith("\n") else text))
                    state["textarea"] = None

        Reader().feed(html)
        self.data = data

    def post_data(self) -> dict:
        merged = {}
        for name, value in self.data:
            merged.setdefault(name, []).append(value)
        return merged


@pytest.fixture
def full_record(ines, draft, bob_structure):
    services.update_description(draft, author=ines, problem="Des jeunes en errance.",
                                beneficiaries_per_year=120,
                                themes=[ThemeFactory(name="Emploi", slug="emploi")])
    services.update_evidence(draft, author=ines, evidence_level="external_evaluation")
    services.update_dispositif(draft, author=ines, steps=[{"title": "Repérage"}],
                               core_components=[{"title": "Paiement", "description": "Le soir"}],
                               adaptable_components=[{"title": "Chantiers"}])
    services.update_partners(draft, author=ines, partners=[
        {"structure": bob_structure, "phase": "scaling"}, {"name": "SNCF", "phase": "launch"}])
    services.update_economic_grid(draft, author=ines, lines=[
        {"category": "running_cost", "label": "Salaires", "amount": "1200.5", "unit": "euros",
         "period": "per_month"},
        {"category": "running_time", "label": "Éducateurs", "amount": "1.5", "unit": "fte",
         "period": "per_year"}])
    services.update_scaling(draft, author=ines, objectives=["efficiency"],
                            models={"scale_up": "franchised"})
    return draft


@pytest.mark.parametrize("section", SECTIONS)
def test_saving_a_section_as_shown_changes_nothing(client, ines, full_record, section):
    client.force_login(ines)
    versions = full_record.revisions.count()
    url = reverse("innovations:innovation_edit", args=[full_record.pk, section])
    data = BrowserForm(client.get(url).content.decode()).post_data()
    assert "base_version" in data
    response = client.post(url, data)
    assert response.status_code == 302, response.context and (
        response.context["form"].errors, [b.formset.errors for b in response.context["formsets"]])
    assert full_record.revisions.count() == versions


def test_line_ends_sent_by_browsers_do_not_make_a_new_version(client, ines, draft):
    services.update_conditions(draft, author=ines, prerequisites="Un CAARUD.\nDes chantiers.")
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[draft.pk, "conditions"])
    client.post(url, {"prerequisites": "Un CAARUD.\r\nDes chantiers."})
    assert draft.revisions.count() == 2


def test_adding_a_row_keeps_the_version_the_editor_started_from(client, ines, colleague, draft):
    client.force_login(ines)
    url = reverse("innovations:innovation_edit", args=[draft.pk, "model"])
    services.update_dispositif(draft, author=colleague, steps=[{"title": "Sa version"}],
                               core_components=[], adaptable_components=[])
    response = client.post(url, model_data(steps=[{"title": "Ma version"}], add="steps",
                                           base_version="1"))
    assert response.context["base_version"] == 1
