"""Pages of spaces run the same number of queries however many spaces, threads and messages."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities.models import Attachment, Post, Thread
from communities.services import spaces as services

from ..factories import MembershipFactory, PostFactory, ThreadFactory, community_space
from .spaces_cast import *  # noqa: F403
from .spaces_cast import PDF

pytestmark = pytest.mark.django_db

# Every page: session, user, and the header's unread notifications (with the portal link).
# Feed: the space, whether the viewer moderates it, count, page of threads with their authors
FEED_QUERIES = 8  # with the space's next events beside the feed
# Thread: the thread with whether the viewer moderates, count of replies, the page of
# replies, the opening message and the helpful answer, their attachments, their mentions,
# where the helpful answer sits among the replies, the people one may mention (and the header)
THREAD_QUERIES = 11
# count, page of spaces with their threads counted (and session, user, header)
SPACE_LIST_QUERIES = 5


def feed_queries(client, user, space, django_assert_max_num_queries, **params):
    client.force_login(user)
    with django_assert_max_num_queries(FEED_QUERIES) as context:
        response = client.get(space.get_absolute_url(), params)
    assert response.status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("params", [
    {}, {"kind": "answered"}, {"kind": "unanswered", "q": "chantier"}, {"q": "réunion"},
    {"page": "2"},
])
@pytest.mark.parametrize("viewer", ["bob", "alice"])
def test_feed_query_count_does_not_grow(client, everyone, space_a, bob,
                                        django_assert_max_num_queries, params, viewer):
    counts = []
    for total in (10, 100):
        for n in range(total - Thread.objects.filter(space=space_a).count()):
            ThreadFactory(space=space_a, author=bob, kind="question" if n % 2 else "discussion",
                          title=f"Réunion de chantier {n}", is_hidden=n % 7 == 0)
        counts.append(feed_queries(client, everyone[viewer], space_a,
                                   django_assert_max_num_queries, **params))
    assert counts[0] == counts[1]


def make_long_thread(space, author, replies):
    thread = services.create_thread(space, author=author, title="Un long fil", kind="question",
                                    body="Qui a une idée ?")
    people = [MembershipFactory(structure=author.memberships.get().structure).user
              for _ in range(5)]
    posts = Post.objects.bulk_create(
        [Post(thread=thread, author=people[n % 5], body=f"Idée n°{n} @{author.display_name}")
         for n in range(replies)])
    Thread.objects.filter(pk=thread.pk).update(reply_count=replies)
    Post.mentions.through.objects.bulk_create(
        [Post.mentions.through(post=post, user=author) for post in posts])
    Attachment.objects.bulk_create(
        [Attachment(post=post, name=f"{post.pk}.pdf", size=10,
                    file=SimpleUploadedFile("x.pdf", PDF).name) for post in posts[::3]])
    posts[-10].is_hidden = True
    posts[-10].hidden_reason = "Hors sujet"
    posts[-10].save()
    thread.helpful_post = posts[120]
    thread.save()
    return thread


@pytest.mark.parametrize("page", [None, "2", "last"])
@pytest.mark.parametrize("viewer", ["bob", "alice", "admin"])
def test_a_thread_of_200_replies_runs_a_fixed_number_of_queries(
        client, everyone, space_a, bob, django_assert_max_num_queries, page, viewer):
    thread = make_long_thread(space_a, bob, 200)
    client.force_login(everyone[viewer])
    params = {"page": page} if page else {}
    with django_assert_max_num_queries(THREAD_QUERIES):
        response = client.get(thread.get_absolute_url(), params)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('class="post ') + html.count('class="post"') >= 50
    if page == "last":
        assert "Idée n°199" in html and "Idée n°149" not in html
        assert '<span class="mention">@Bob Lefèvre</span>' in html


def test_the_space_list_query_count_does_not_grow(client, bob, bob_structure,
                                                  django_assert_max_num_queries):
    counts = []
    for total in (2, 12):
        while bob.space_memberships.count() + 0 < total:
            space = community_space(structures=[bob_structure] if total % 2 else [],
                                    participants=[bob])
            thread = ThreadFactory(space=space, author=bob)
            PostFactory(thread=thread, author=bob)
        client.force_login(bob)
        with django_assert_max_num_queries(SPACE_LIST_QUERIES) as context:
            response = client.get(reverse("communities:space_list"))
        assert response.status_code == 200
        counts.append(len(context.captured_queries))
    assert counts[0] == counts[1]
