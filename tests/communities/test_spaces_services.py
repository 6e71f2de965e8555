"""Threads, replies, mentions, helpful answers and moderation, through their services."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from communities.markdown import render_markdown
from communities.mentions import find_mentions
from communities.models import Notification, Post, Thread
from communities.permissions import get_post_for_user, get_thread_for_user
from communities.services import spaces as services

from ..factories import MembershipFactory, UserFactory
from .spaces_cast import *  # noqa: F403

pytestmark = pytest.mark.django_db

K = Notification.Kind


def notified(kind, **filters):
    return sorted(Notification.objects.filter(kind=kind, **filters)
                  .values_list("recipient__email", flat=True))


# --- Mentions ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Merci @Bob Lefèvre !", ["bob lefevre"]),
    ("merci @bob lefevre, et @BÉATRICE LÉGER.", ["bob lefevre", "beatrice leger"]),
    ("écrire à bob@Bob Lefèvre.fr", []),
    ("@Bob Lefèvres n'existe pas", []),
    ("@Marie Dupont-Léger et @Marie Dupont", ["marie dupont-leger", "marie dupont"]),
    ("@Bob", []),
])
def test_mentions_are_found_whatever_the_case_and_accents_longest_first(text, expected):
    names = ["Bob Lefèvre", "Béatrice Léger", "Marie Dupont", "Marie Dupont-Léger"]
    assert [mention.name for mention in find_mentions(text, names)] == expected


def test_mentions_notify_exactly_the_people_of_the_space_they_name(bob, bea, carol, alice,
                                                                   oscar, paul, question_a):
    post = services.add_reply(
        question_a, author=bob,
        body="@Béatrice Léger et @alice martin, voyez avec @Carole Dubois et @Oscar Petit. "
             "@Paul Mercier suit notre site.")
    assert set(post.mentions.all()) == {bea, alice, paul}
    assert notified(K.MENTION) == ["alice@example.org", "bea@example.org", "paul@example.org"]
    mention = Notification.objects.get(kind=K.MENTION, recipient=bea)
    assert "Bob Lefèvre" in mention.title and "Convaincre les bailleurs ?" in mention.title
    assert mention.url.endswith(f"#message-{post.pk}")


def test_one_does_not_notify_oneself_by_a_mention(bob, question_a):
    services.add_reply(question_a, author=bob, body="Comme je disais, @Bob Lefèvre ici.")
    assert notified(K.MENTION) == []


def test_editing_a_message_notifies_only_the_newly_mentioned(bob, bea, alice, question_a):
    post = services.add_reply(question_a, author=bob, body="@Béatrice Léger une idée ?")
    services.edit_post(post, by=bob, body="@Béatrice Léger et @Alice Martin, une idée ?")
    assert notified(K.MENTION) == ["alice@example.org", "bea@example.org"]
    assert set(post.mentions.all()) == {bea, alice}


def test_mentions_are_highlighted_safely_when_shown():
    html = render_markdown('Bonjour @bob lefevre <img src=x onerror="alert(1)">',
                           mentions=["Bob Lefèvre"])
    assert '<span class="mention">@bob lefevre</span>' in html
    assert "<img" not in html and "&lt;img" in html


def test_mentions_in_a_hidden_thread_reach_only_moderators(alice, bob, bea, question_a):
    services.hide_thread(question_a, by=alice, reason="En attente de vérification")
    services.add_reply(question_a, author=alice, body="@Béatrice Léger @Bob Lefèvre")
    assert notified(K.MENTION) == []


# --- Replies -----------------------------------------------------------------------------------


def test_a_reply_notifies_the_author_and_earlier_posters_once(bob, bea, paul, alice,
                                                              question_a):
    services.add_reply(question_a, author=bea, body="Première réponse")
    services.add_reply(question_a, author=paul, body="Deuxième réponse")
    Notification.objects.all().delete()
    services.add_reply(question_a, author=bea, body="Et une troisième")
    # bob asked, paul answered; bea replies and is not told of her own reply.
    assert notified(K.REPLY) == ["bob@example.org", "paul@example.org"]
    assert Notification.objects.filter(recipient__email="bob@example.org").count() == 1


def test_who_is_mentioned_in_a_reply_is_told_once_as_a_mention(bob, bea, question_a):
    services.add_reply(question_a, author=bea, body="@Bob Lefèvre voici ma réponse")
    assert notified(K.MENTION) == ["bob@example.org"]
    assert notified(K.REPLY) == []


def test_a_former_member_is_no_longer_told_of_replies(bob, bea, paul, question_a):
    services.add_reply(question_a, author=bea, body="Ma réponse")
    bea.memberships.all().delete()
    Notification.objects.all().delete()
    services.add_reply(question_a, author=paul, body="Une autre")
    assert notified(K.REPLY) == ["bob@example.org"]


def test_a_reply_counts_and_moves_the_thread_up(bob, bea, question_a):
    before = question_a.last_activity_at
    services.add_reply(question_a, author=bea, body="Réponse")
    question_a.refresh_from_db()
    assert question_a.reply_count == 1 and question_a.last_activity_at > before


def test_a_thread_and_its_opening_message_are_created_together(bob, space_a):
    with pytest.raises(ValidationError):
        services.create_thread(space_a, author=bob, title="Sans message", kind="discussion",
                               body="")
    assert not Thread.objects.filter(title="Sans message").exists()
    thread = services.create_thread(space_a, author=bob, title=" Un   titre ",
                                    kind="discussion", body="Texte")
    assert thread.title == "Un titre"
    assert list(thread.posts.values_list("is_opening", "body")) == [(True, "Texte")]


def test_an_archived_space_takes_no_more_threads_nor_replies(bob, space_a, question_a):
    space_a.is_archived = True
    space_a.save()
    with pytest.raises(ValidationError) as refusal:
        services.create_thread(space_a, author=bob, title="T", kind="discussion", body="B")
    assert refusal.value.code == "space_archived"
    with pytest.raises(ValidationError):
        services.add_reply(question_a, author=bob, body="B")


# --- Questions to peers -----------------------------------------------------------------------


def test_marking_the_helpful_answer_notifies_its_author(bob, bea, question_a, answer_a):
    services.mark_helpful(question_a, answer_a, by=bob)
    question_a.refresh_from_db()
    assert question_a.is_answered and question_a.helpful_post == answer_a
    assert notified(K.HELPFUL_ANSWER) == ["bea@example.org"]


def test_marking_twice_changes_nothing_and_notifies_once(bob, question_a, answer_a):
    services.mark_helpful(question_a, answer_a, by=bob)
    services.mark_helpful(question_a, answer_a, by=bob)
    assert notified(K.HELPFUL_ANSWER) == ["bea@example.org"]
    assert question_a.history.exclude(helpful_post=None).count() == 1


def test_the_asker_may_change_the_helpful_answer(bob, paul, question_a, answer_a):
    other = services.add_reply(question_a, author=paul, body="Mieux encore")
    services.mark_helpful(question_a, answer_a, by=bob)
    services.mark_helpful(question_a, other, by=bob)
    question_a.refresh_from_db()
    assert question_a.helpful_post == other
    assert notified(K.HELPFUL_ANSWER) == ["bea@example.org", "paul@example.org"]


def test_a_non_asker_may_not_mark(bea, paul, question_a, answer_a):
    post = get_post_for_user(paul, answer_a.pk)
    from communities.permissions import can_mark_helpful

    assert not can_mark_helpful(paul, post.thread, moderates=post.viewer_moderates)
    assert can_mark_helpful(question_a.author, post.thread, moderates=False)


@pytest.mark.parametrize("case", ["discussion", "opening", "hidden", "other_thread"])
def test_marking_what_cannot_be_an_answer_is_refused(alice, bob, bea, space_a, question_a,
                                                     answer_a, case):
    thread, post = question_a, answer_a
    if case == "discussion":
        thread = services.create_thread(space_a, author=bob, title="Discussion",
                                        kind="discussion", body="Texte")
        post = services.add_reply(thread, author=bea, body="Réponse")
    elif case == "opening":
        post = question_a.posts.get(is_opening=True)
    elif case == "hidden":
        services.hide_post(answer_a, by=alice, reason="Hors sujet")
        post.refresh_from_db()
    else:
        other = services.create_thread(space_a, author=bob, title="Autre", kind="question",
                                       body="Texte")
        post = services.add_reply(other, author=bea, body="Ailleurs")
    with pytest.raises(ValidationError) as refusal:
        services.mark_helpful(thread, post, by=bob)
    assert refusal.value.code == {"discussion": "not_a_question", "opening": "opening_post",
                                  "hidden": "hidden_post", "other_thread": "not_in_thread"}[case]
    thread.refresh_from_db()
    assert thread.helpful_post is None


def test_hiding_the_helpful_answer_unmarks_it(alice, bob, question_a, answer_a):
    services.mark_helpful(question_a, answer_a, by=bob)
    services.hide_post(answer_a, by=alice, reason="Hors charte")
    question_a.refresh_from_db()
    assert not question_a.is_answered


# --- Moderation and access ------------------------------------------------------------------


def test_hiding_needs_a_reason_of_reasonable_length(alice, answer_a, question_a):
    for reason, code in [("", "reason_required"), ("  ", "reason_required"),
                         ("x" * 301, "reason_too_long")]:
        with pytest.raises(ValidationError) as refusal:
            services.hide_post(answer_a, by=alice, reason=reason)
        assert refusal.value.error_dict["reason"][0].code == code
        with pytest.raises(ValidationError):
            services.hide_thread(question_a, by=alice, reason=reason)
    answer_a.refresh_from_db()
    assert not answer_a.is_hidden


def test_unhiding_shows_again_and_history_keeps_the_reason(alice, answer_a):
    services.hide_post(answer_a, by=alice, reason="Erreur de fil")
    services.unhide_post(answer_a, by=alice)
    answer_a.refresh_from_db()
    assert not answer_a.is_hidden and answer_a.hidden_reason == ""
    assert answer_a.history.filter(hidden_reason="Erreur de fil", history_user=alice).exists()


def test_access_helpers_hide_what_one_may_not_see(alice, bob, carol, paul, question_a,
                                                  answer_a):
    with pytest.raises(Http404):
        get_thread_for_user(carol, question_a.pk)
    with pytest.raises(PermissionDenied):
        get_thread_for_user(paul, question_a.pk, moderate=True)
    assert get_thread_for_user(alice, question_a.pk, moderate=True).viewer_moderates
    services.hide_post(answer_a, by=alice, reason="Motif")
    with pytest.raises(Http404):
        get_post_for_user(bob, answer_a.pk)
    assert get_post_for_user(alice, answer_a.pk).is_hidden


def test_a_named_member_without_structure_takes_part(question_a, space_a):
    guest = UserFactory(first_name="Gaëlle", last_name="Invitée")
    assert not Post.objects.filter(thread__space__in=[space_a], author=guest).exists()
    with pytest.raises(Http404):
        get_thread_for_user(guest, question_a.pk)
    space_a.memberships.create(user=guest)
    assert get_thread_for_user(guest, question_a.pk) == question_a


def test_a_new_member_of_the_structure_takes_part_at_once(bob_structure, question_a):
    newcomer = MembershipFactory(structure=bob_structure).user
    assert get_thread_for_user(newcomer, question_a.pk) == question_a
