"""Peers around an innovation: endorsements, expressions of interest, comments and moderation."""

import pytest
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from communities.models import Membership
from innovations.models import Comment, Endorsement
from innovations.selectors.bank import innovation_bank_context
from innovations.services import bank as services
from innovations.services.records import refresh_search_document

from ..factories import (
    InnovationFactory,
    MembershipFactory,
    PublishedInnovationFactory,
    ResourceFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PEERS = ["alice", "bob", "carol", "fanny", "remi", "oscar", "admin"]
MODERATORS = ["ines", "alice", "admin"]
NOT_MODERATORS = ["bob", "carol", "fanny", "remi", "oscar"]


@pytest.fixture
def everyone(cast, ines):
    return {**cast, "ines": ines}


@pytest.fixture
def tapaj(ines_structure):
    innovation = PublishedInnovationFactory(
        title="TAPAJ", owner=ines_structure,
        summary="Travail alternatif payé à la journée pour des jeunes en errance.",
    )
    refresh_search_document(innovation)
    return innovation


@pytest.fixture
def draft(ines_structure):
    return InnovationFactory(title="Brouillon", owner=ines_structure)


def error_codes(response, field=None) -> set[str]:
    form = response.context["form"]
    errors = form.errors.as_data()
    return {error.code for name, items in errors.items() if field in (None, name)
            for error in items}


def render_panel(user, innovation) -> str:
    request = RequestFactory().get(innovation.get_absolute_url())
    request.user = user
    context = {**innovation_bank_context(user, innovation), "innovation": innovation,
               "user": user}
    return render_to_string("innovations/bank/_innovation_panel.html", context, request=request)


# --- Endorsements ---------------------------------------------------------------------------


@pytest.mark.parametrize("name", PEERS)
def test_peers_say_they_run_it_too(client, everyone, tapaj, name):
    client.force_login(everyone[name])
    response = client.post(reverse("innovations:endorse", args=[tapaj.pk]), {"kind": "run_it"})

    assert response.status_code == 302
    assert response["Location"].startswith(tapaj.get_absolute_url())
    assert tapaj.endorsements.get().user == everyone[name]


def test_innovators_cannot_endorse_their_own_innovation(client, ines, tapaj):
    client.force_login(ines)
    response = client.post(reverse("innovations:endorse", args=[tapaj.pk]),
                           {"kind": "want_to_adopt"})

    assert response.status_code == 200
    assert error_codes(response) == {"own_innovation"}
    assert not tapaj.endorsements.exists()


def test_drafts_cannot_be_endorsed(client, ines, oscar, draft):
    client.force_login(oscar)
    url = reverse("innovations:endorse", args=[draft.pk])
    assert client.post(url, {"kind": "run_it"}).status_code == 404
    assert client.get(url).status_code == 404

    client.force_login(ines)
    response = client.post(url, {"kind": "run_it"})
    assert error_codes(response) == {"not_published"}
    assert not Endorsement.objects.exists()


def test_anonymous_people_cannot_endorse(client, tapaj):
    response = client.post(reverse("innovations:endorse", args=[tapaj.pk]), {"kind": "run_it"})
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    assert not Endorsement.objects.exists()


def test_a_second_identical_endorsement_is_refused(client, bob, tapaj):
    client.force_login(bob)
    url = reverse("innovations:endorse", args=[tapaj.pk])
    client.post(url, {"kind": "run_it"})

    response = client.post(url, {"kind": "run_it"})

    assert response.status_code == 200
    assert error_codes(response) == {"duplicate_endorsement"}
    assert tapaj.endorsements.count() == 1
    # The other kind is another statement, and is accepted.
    assert client.post(url, {"kind": "want_to_adopt"}).status_code == 302
    assert tapaj.endorsements.count() == 2


def test_the_service_refuses_duplicates_with_a_code(bob, tapaj):
    services.endorse_innovation(tapaj, user=bob, kind=Endorsement.Kind.RUN_IT)
    with pytest.raises(ValidationError) as refused:
        services.endorse_innovation(tapaj, user=bob, kind=Endorsement.Kind.RUN_IT)
    assert refused.value.code == "duplicate_endorsement"


def test_an_endorsement_is_withdrawn_explicitly(client, bob, tapaj):
    client.force_login(bob)
    url = reverse("innovations:endorse", args=[tapaj.pk])
    client.post(url, {"kind": "run_it"})

    response = client.post(url, {"kind": "run_it", "withdraw": "1"})

    assert response.status_code == 302
    assert not tapaj.endorsements.exists()
    # Withdrawing what was never said changes nothing and breaks nothing.
    assert client.post(url, {"kind": "want_to_adopt", "withdraw": "1"}).status_code == 302


def test_an_endorsement_may_speak_for_one_of_ones_structures(client, bob, bob_structure, tapaj):
    client.force_login(bob)
    response = client.post(reverse("innovations:endorse", args=[tapaj.pk]), {
        "kind": "want_to_adopt", "structure": bob_structure.pk,
        "comment": "Nous voudrions le lancer à Nevers en 2026.",
    })

    assert response.status_code == 302
    endorsement = tapaj.endorsements.get()
    assert endorsement.structure == bob_structure
    assert endorsement.kind == Endorsement.Kind.WANT_TO_ADOPT
    assert endorsement.comment == "Nous voudrions le lancer à Nevers en 2026."


def test_nobody_speaks_for_a_structure_they_do_not_belong_to(client, bob, carol_structure,
                                                             tapaj):
    client.force_login(bob)
    response = client.post(reverse("innovations:endorse", args=[tapaj.pk]),
                           {"kind": "run_it", "structure": carol_structure.pk})

    assert response.status_code == 200
    assert error_codes(response, "structure") == {"invalid_choice"}
    assert not tapaj.endorsements.exists()
    with pytest.raises(ValidationError) as refused:
        services.endorse_innovation(tapaj, user=bob, kind="run_it", structure=carol_structure)
    assert refused.value.error_dict["structure"][0].code == "not_a_member"


def test_the_full_adoption_form_opens_for_peers(client, bob, tapaj):
    client.force_login(bob)
    response = client.get(reverse("innovations:endorse", args=[tapaj.pk]))
    assert response.status_code == 200
    assert response.context["kind"] == Endorsement.Kind.WANT_TO_ADOPT
    response = client.get(reverse("innovations:endorse", args=[tapaj.pk]), {"kind": "run_it"})
    assert response.context["kind"] == Endorsement.Kind.RUN_IT


# --- Expressions of interest ----------------------------------------------------------------


@pytest.mark.parametrize("name", MODERATORS)
def test_moderators_see_who_wants_to_adopt(client, everyone, tapaj, bob, bob_structure, name):
    services.endorse_innovation(tapaj, user=bob, kind="want_to_adopt", structure=bob_structure,
                                comment="À Nevers, dès septembre.")
    services.endorse_innovation(tapaj, user=everyone["carol"], kind="run_it")
    client.force_login(everyone[name])

    response = client.get(reverse("innovations:adoption_interests", args=[tapaj.pk]))

    assert response.status_code == 200
    [interest] = response.context["page"].object_list
    assert (interest.user, interest.structure) == (bob, bob_structure)
    html = response.content.decode()
    assert "bob@example.org" in html
    assert "Nièvre (58)" in html
    assert "À Nevers, dès septembre." in html


@pytest.mark.parametrize("name", NOT_MODERATORS)
def test_nobody_else_sees_the_expressions_of_interest(client, everyone, tapaj, name):
    client.force_login(everyone[name])
    response = client.get(reverse("innovations:adoption_interests", args=[tapaj.pk]))
    assert response.status_code == 403


def test_plain_members_of_the_innovator_do_not_moderate(client, ines_structure, tapaj):
    member = UserFactory()
    MembershipFactory(user=member, structure=ines_structure, role=Membership.Role.MEMBER)
    client.force_login(member)
    response = client.get(reverse("innovations:adoption_interests", args=[tapaj.pk]))
    assert response.status_code == 403


def test_interests_in_a_draft_are_hidden_from_outsiders(client, oscar, ines, draft):
    url = reverse("innovations:adoption_interests", args=[draft.pk])
    client.force_login(oscar)
    assert client.get(url).status_code == 404
    client.force_login(ines)
    assert client.get(url).status_code == 200


# --- Comments -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [*PEERS, "ines"])
def test_signed_in_people_comment_published_innovations(client, everyone, tapaj, name):
    client.force_login(everyone[name])
    response = client.post(reverse("innovations:comment_create", args=[tapaj.pk]),
                           {"body": "  Nous l'avons testé à Grenoble.\nÇa marche.  "})

    comment = tapaj.comments.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#comment-{comment.pk}")
    assert comment.author == everyone[name]
    assert comment.body == "Nous l'avons testé à Grenoble.\nÇa marche."


def test_comments_on_drafts_are_refused(client, ines, oscar, draft):
    url = reverse("innovations:comment_create", args=[draft.pk])
    client.force_login(oscar)
    assert client.post(url, {"body": "Bonjour"}).status_code == 404
    client.force_login(ines)
    response = client.post(url, {"body": "Bonjour"})
    assert error_codes(response) == {"not_published"}
    assert not Comment.objects.exists()


@pytest.mark.parametrize(("body", "code"), [
    ("", "required"), ("   ", "required"), ("x" * 5001, "max_length"),
    ("nul\x00byte", "null_characters_not_allowed"),
])
def test_bad_comments_are_refused_and_kept(client, bob, tapaj, body, code):
    client.force_login(bob)
    response = client.post(reverse("innovations:comment_create", args=[tapaj.pk]),
                           {"body": body})
    assert response.status_code == 200
    assert error_codes(response, "body") == {code}
    assert not Comment.objects.exists()


def test_a_comment_of_5000_characters_is_accepted(client, bob, tapaj):
    client.force_login(bob)
    client.post(reverse("innovations:comment_create", args=[tapaj.pk]), {"body": "é" * 5000})
    assert len(tapaj.comments.get().body) == 5000


def test_the_comment_service_checks_body_and_status(bob, tapaj, draft):
    with pytest.raises(ValidationError) as refused:
        services.add_comment(tapaj, author=bob, body=" \n ")
    assert refused.value.error_dict["body"][0].code == "empty_comment"
    with pytest.raises(ValidationError) as refused:
        services.add_comment(tapaj, author=bob, body="x" * 5001)
    assert refused.value.error_dict["body"][0].code == "comment_too_long"
    with pytest.raises(ValidationError) as refused:
        services.add_comment(draft, author=bob, body="Bonjour")
    assert refused.value.code == "not_published"


def test_comments_are_shown_as_text_with_line_breaks(bob, tapaj):
    services.add_comment(tapaj, author=bob,
                         body="<script>alert('x')</script>\n<b>gras</b> & <a href=x>lien</a>")

    html = render_panel(bob, tapaj)

    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;<br>" in html
    assert "&lt;b&gt;gras&lt;/b&gt; &amp; &lt;a href=x&gt;lien&lt;/a&gt;" in html


# --- Moderation -----------------------------------------------------------------------------


@pytest.fixture
def comment(tapaj, bob):
    return services.add_comment(tapaj, author=bob, body="Un commentaire déplacé.")


@pytest.mark.parametrize("name", MODERATORS)
def test_moderators_hide_a_comment_and_show_it_again(client, everyone, comment, name):
    client.force_login(everyone[name])
    url = reverse("innovations:comment_hide", args=[comment.pk])

    response = client.post(url)
    comment.refresh_from_db()
    assert response.status_code == 302
    assert comment.is_hidden
    assert comment.history.first().history_user == everyone[name]

    client.post(url, {"restore": "1"})
    comment.refresh_from_db()
    assert not comment.is_hidden


@pytest.mark.parametrize("name", NOT_MODERATORS)
def test_others_cannot_hide_comments(client, everyone, comment, name):
    client.force_login(everyone[name])
    response = client.post(reverse("innovations:comment_hide", args=[comment.pk]))
    assert response.status_code == 403
    comment.refresh_from_db()
    assert not comment.is_hidden


def test_hiding_takes_a_post(client, ines, comment):
    client.force_login(ines)
    assert client.get(reverse("innovations:comment_hide", args=[comment.pk])).status_code == 405


def test_comments_of_drafts_cannot_be_reached_by_outsiders(client, oscar, draft, ines):
    hidden_away = Comment.objects.create(innovation=draft, author=ines, body="Interne")
    client.force_login(oscar)
    assert client.post(reverse("innovations:comment_hide", args=[hidden_away.pk])).status_code \
        == 404


def test_hidden_comments_stay_visible_to_moderators_only(ines, bob, carol, tapaj, comment):
    services.set_comment_hidden(comment, by=ines)

    assert innovation_bank_context(bob, tapaj)["bank"].comments == []
    assert innovation_bank_context(carol, tapaj)["bank"].comment_count == 0
    panel = innovation_bank_context(ines, tapaj)["bank"]
    assert panel.comments == [comment]
    assert panel.comments[0].is_hidden
    assert "comment-hidden" in render_panel(ines, tapaj)
    assert "Un commentaire déplacé." not in render_panel(bob, tapaj)


# --- The panel on the innovation page -------------------------------------------------------


def test_the_panel_says_what_the_reader_may_do(ines, bob, bob_structure, oscar, alice, tapaj):
    services.endorse_innovation(tapaj, user=bob, kind="run_it", structure=bob_structure)

    bob_panel = innovation_bank_context(bob, tapaj)["bank"]
    assert (bob_panel.run_it_count, bob_panel.adopt_count) == (1, 0)
    assert bob_panel.runs_it and not bob_panel.wants_to_adopt
    assert bob_panel.may_endorse and not bob_panel.may_moderate
    assert bob_panel.structures == [bob_structure]

    ines_panel = innovation_bank_context(ines, tapaj)["bank"]
    assert ines_panel.is_innovator and not ines_panel.may_endorse and ines_panel.may_moderate
    assert innovation_bank_context(alice, tapaj)["bank"].may_moderate
    assert not innovation_bank_context(oscar, tapaj)["bank"].structures

    html = render_panel(bob, tapaj)
    assert reverse("innovations:endorse", args=[tapaj.pk]) in html
    assert reverse("innovations:adoption_interests", args=[tapaj.pk]) not in html
    assert reverse("innovations:adoption_interests", args=[tapaj.pk]) in render_panel(ines, tapaj)


def test_the_panel_of_a_draft_offers_no_endorsement(ines, draft):
    panel = innovation_bank_context(ines, draft)["bank"]
    assert not panel.may_endorse
    html = render_panel(ines, draft)
    assert reverse("innovations:comment_create", args=[draft.pk]) not in html
    assert reverse("innovations:resource_create") in html


def test_the_panel_runs_the_same_queries_whatever_the_activity(
        ines, tapaj, django_assert_num_queries):
    def panel_queries(count):
        for _ in range(count):
            user = UserFactory()
            MembershipFactory(user=user)
            services.endorse_innovation(tapaj, user=user, kind="run_it")
            services.endorse_innovation(tapaj, user=user, kind="want_to_adopt")
            services.add_comment(tapaj, author=user, body="Merci !")
            ResourceFactory(innovation=tapaj, created_by=user, structure=user.memberships.get()
                            .structure)
        # memberships, counts, comments with authors, resources with ratings
        with django_assert_num_queries(4):
            render_panel(ines, tapaj)

    panel_queries(3)
    panel_queries(40)
