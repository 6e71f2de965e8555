"""Finding threads in a space: by kind (answered questions too) and by words of their titles
and messages, accents ignored, hidden messages for moderators only."""

import pytest
from django.db import connection

from communities.selectors.spaces import FeedKind, thread_feed
from communities.services import spaces as services

from .spaces_cast import *  # noqa: F403

pytestmark = pytest.mark.django_db


@pytest.fixture
def threads(space_a, space_b, bob, bea, carol, alice):
    answered = services.create_thread(space_a, author=bob, title="Convention avec le bailleur",
                                      kind="question", body="Quel modèle de convention ?")
    helpful = services.add_reply(answered, author=bea,
                                 body="Notre trame avec Nièvre Habitat, très simple.")
    services.mark_helpful(answered, helpful, by=bob)
    unanswered = services.create_thread(space_a, author=bea, title="Recrutement des jeunes",
                                        kind="question", body="Où trouvez-vous les jeunes ?")
    discussion = services.create_thread(space_a, author=bob, title="Outils de suivi",
                                        kind="discussion", body="Un tableur partagé.")
    secret = services.add_reply(discussion, author=bea, body="Le mot confidentiel Écureuil")
    services.hide_post(secret, by=alice, reason="Données personnelles")
    services.create_thread(space_b, author=carol, title="Convention en Isère",
                           kind="question", body="Le département d'Isère ?")
    return {"answered": answered, "unanswered": unanswered, "discussion": discussion}


def titles(space, *, can_moderate=False, kind="", text=""):
    return sorted(thread_feed(space, can_moderate=can_moderate, kind=kind, text=text)
                  .values_list("title", flat=True))


@pytest.mark.parametrize(("kind", "expected"), [
    ("", ["Convention avec le bailleur", "Outils de suivi", "Recrutement des jeunes"]),
    (FeedKind.DISCUSSIONS, ["Outils de suivi"]),
    (FeedKind.QUESTIONS, ["Convention avec le bailleur", "Recrutement des jeunes"]),
    (FeedKind.ANSWERED, ["Convention avec le bailleur"]),
    (FeedKind.UNANSWERED, ["Recrutement des jeunes"]),
    ("nonsense", ["Convention avec le bailleur", "Outils de suivi", "Recrutement des jeunes"]),
])
def test_the_feed_filters_by_kind(threads, space_a, kind, expected):
    assert titles(space_a, kind=kind) == expected


@pytest.mark.parametrize(("text", "expected"), [
    ("convention", ["Convention avec le bailleur"]),  # title, only this space's
    ("nievre habitat", ["Convention avec le bailleur"]),  # a reply, accents ignored
    ("NIÈVRE", ["Convention avec le bailleur"]),
    ("trouvez jeunes", ["Recrutement des jeunes"]),  # every word, title and message
    ("tableur", ["Outils de suivi"]),
    ("ecureuil", []),  # a hidden message is not searched for participants
    ("convention tableur", []),
])
def test_the_feed_searches_titles_and_messages(threads, space_a, text, expected):
    assert titles(space_a, text=text) == expected


def test_moderators_find_hidden_messages_too(threads, space_a):
    assert titles(space_a, can_moderate=True, text="écureuil") == ["Outils de suivi"]


def test_answered_questions_are_findable_by_search(threads, space_a):
    assert titles(space_a, kind=FeedKind.ANSWERED, text="trame") == [
        "Convention avec le bailleur"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's full-text search")
def test_words_match_as_prefixes_and_stems(threads, space_a):
    assert titles(space_a, text="recrut") == ["Recrutement des jeunes"]
    assert titles(space_a, text="conventions") == ["Convention avec le bailleur"]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's indexes")
def test_the_search_uses_the_indexes(threads, space_a):
    with connection.cursor() as cursor:
        cursor.execute("SET enable_seqscan = off")
        sql, params = thread_feed(space_a, can_moderate=False, text="convention").query \
            .sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
        cursor.execute("SET enable_seqscan = on")
    assert "thread_title_search" in plan and "post_body_search" in plan
