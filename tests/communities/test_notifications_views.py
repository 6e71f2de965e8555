"""The notification pages: one's own list, opening an item (never off the site), marking all
read, the preferences, and the bell in the header."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from communities.models import Notification, NotificationPreference

from ..factories import NotificationFactory

pytestmark = pytest.mark.django_db

K = Notification.Kind
D = Notification.Delivery
PEOPLE = ["alice", "bob", "carol", "fanny", "remi", "oscar", "admin"]
LIST = reverse("communities:notification_list")
PREFERENCES = reverse("communities:notification_preferences")
MARK_ALL = reverse("communities:notification_mark_all_read")


def open_url(notification):
    return reverse("communities:notification_open", args=[notification.pk])


@pytest.fixture
def everyone_notified(cast):
    """One unread notification for each person of the cast, titled after them."""
    return {name: NotificationFactory(recipient=person, title=f"Pour {name}")
            for name, person in cast.items()}


# --- Signed out --------------------------------------------------------------------------------


@pytest.mark.parametrize("method, url", [("get", LIST), ("get", PREFERENCES),
                                         ("post", MARK_ALL), ("post", PREFERENCES)])
def test_anonymous_visitors_are_sent_to_sign_in(client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_anonymous_visitors_cannot_open_a_notification(client, bob):
    notification = NotificationFactory(recipient=bob)
    response = client.post(open_url(notification))
    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]
    notification.refresh_from_db()
    assert notification.read_at is None


# --- The list ----------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PEOPLE)
def test_each_person_sees_only_their_own_notifications(client, cast, everyone_notified, name):
    client.force_login(cast[name])
    response = client.get(LIST)
    assert response.status_code == 200
    assert [n.title for n in response.context["page"]] == [f"Pour {name}"]
    content = response.content.decode()
    for other in PEOPLE:
        if other != name:
            assert f"Pour {other}" not in content


def test_newest_first_unread_highlighted_and_filtered(client, bob):
    old = NotificationFactory(recipient=bob, title="Ancienne",
                              created_at=timezone.now() - timedelta(days=2),
                              read_at=timezone.now())
    new = NotificationFactory(recipient=bob, title="Nouvelle")
    client.force_login(bob)

    response = client.get(LIST)
    assert list(response.context["page"]) == [new, old]
    content = response.content.decode()
    assert content.count('class="notification is-unread"') == 1

    unread = client.get(LIST, {"unread": "1"})
    assert list(unread.context["page"]) == [new]


def test_the_list_pages_by_thirty(client, bob):
    NotificationFactory.create_batch(31, recipient=bob)
    client.force_login(bob)
    assert len(client.get(LIST).context["page"]) == 30
    assert len(client.get(LIST, {"page": 2}).context["page"]) == 1


def test_list_query_count_does_not_grow(client, bob, django_assert_max_num_queries):
    client.force_login(bob)
    NotificationFactory.create_batch(10, recipient=bob)
    # session, user, count, page of notifications, header (unread count and portal link)
    with django_assert_max_num_queries(5) as few:
        client.get(LIST)
    NotificationFactory.create_batch(90, recipient=bob)
    with django_assert_max_num_queries(5) as many:
        client.get(LIST)
    assert len(few.captured_queries) == len(many.captured_queries)


# --- Opening one -------------------------------------------------------------------------------


def test_opening_marks_read_and_goes_to_the_address(client, bob):
    notification = NotificationFactory(recipient=bob, url="/programmes/reunions/3/#documents")
    client.force_login(bob)
    response = client.post(open_url(notification))
    assert response.status_code == 302
    assert response["Location"] == "/programmes/reunions/3/#documents"
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/x", "/\\evil.example",
                                 "javascript:alert(1)", "http:/evil.example", "", "relative/"])
def test_opening_never_leaves_the_site(client, bob, url):
    notification = NotificationFactory(recipient=bob, url=url)
    client.force_login(bob)
    response = client.post(open_url(notification))
    assert response["Location"] == LIST
    notification.refresh_from_db()
    assert notification.read_at is not None


@pytest.mark.parametrize("name", [name for name in PEOPLE if name != "bob"])
def test_another_persons_notification_is_not_found(client, cast, name):
    notification = NotificationFactory(recipient=cast["bob"])
    client.force_login(cast[name])
    assert client.post(open_url(notification)).status_code == 404
    notification.refresh_from_db()
    assert notification.read_at is None


def test_opening_needs_a_post(client, bob):
    notification = NotificationFactory(recipient=bob)
    client.force_login(bob)
    assert client.get(open_url(notification)).status_code == 405


# --- Mark all as read --------------------------------------------------------------------------


def test_mark_all_as_read_touches_only_ones_own(client, bob, carol):
    NotificationFactory.create_batch(3, recipient=bob)
    theirs = NotificationFactory(recipient=carol)
    client.force_login(bob)
    response = client.post(MARK_ALL)
    assert response.status_code == 302
    assert not Notification.objects.filter(recipient=bob, read_at__isnull=True).exists()
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_as_read_with_htmx_redraws_the_list_and_the_bell(client, bob):
    NotificationFactory.create_batch(2, recipient=bob)
    client.force_login(bob)
    response = client.post(MARK_ALL + "?unread=1", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    content = response.content.decode()
    assert 'id="notification-results"' in content
    assert 'hx-swap-oob="true"' in content and 'id="notification-bell"' in content
    assert "No unread notification." in content or "Aucune notification non lue." in content
    assert "<html" not in content


def test_mark_all_as_read_needs_a_post(client, bob):
    client.force_login(bob)
    assert client.get(MARK_ALL).status_code == 405


# --- Preferences -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", PEOPLE)
def test_everyone_chooses_their_deliveries(client, cast, name):
    person = cast[name]
    client.force_login(person)
    assert client.get(PREFERENCES).status_code == 200
    choices = {kind: D.IN_APP for kind in K.values} | {K.MENTION: D.DIGEST}
    response = client.post(PREFERENCES, choices)
    assert response.status_code == 302
    saved = dict(NotificationPreference.objects.filter(user=person)
                 .values_list("kind", "delivery"))
    assert saved == choices
    assert not NotificationPreference.objects.exclude(user=person).exists()


def test_the_form_shows_the_current_choices(client, bob):
    NotificationPreference.objects.create(user=bob, kind=K.REPLY, delivery=D.IMMEDIATE)
    client.force_login(bob)
    form = client.get(PREFERENCES).context["form"]
    assert form["reply"].value() == D.IMMEDIATE
    assert form["mention"].value() == D.IMMEDIATE
    assert form["helpful_answer"].value() == D.IN_APP


@pytest.mark.parametrize("bad", [{"reply": "pigeon"}, {"reply": ""}])
def test_a_bad_delivery_is_refused_and_nothing_is_saved(client, bob, bad):
    client.force_login(bob)
    choices = {kind: D.IN_APP for kind in K.values} | bad
    response = client.post(PREFERENCES, choices)
    assert response.status_code == 400
    assert response.context["form"].errors["reply"]
    assert not NotificationPreference.objects.exists()


def test_an_unknown_kind_in_the_form_is_ignored(client, bob):
    client.force_login(bob)
    choices = {kind: D.DIGEST for kind in K.values} | {"gossip": D.IMMEDIATE}
    assert client.post(PREFERENCES, choices).status_code == 302
    assert set(NotificationPreference.objects.values_list("kind", flat=True)) == set(K.values)


def test_the_profile_links_to_the_preferences(client, bob):
    client.force_login(bob)
    assert PREFERENCES in client.get(reverse("communities:profile")).content.decode()


# --- The header --------------------------------------------------------------------------------


def test_the_bell_shows_the_unread_count_with_words(client, bob):
    NotificationFactory.create_batch(3, recipient=bob)
    NotificationFactory(recipient=bob, read_at=timezone.now())
    client.force_login(bob)
    content = client.get(reverse("communities:profile")).content.decode()
    assert 'class="notification-count" aria-hidden="true">3<' in content
    assert "3 notifications non lues" in content or "3 unread notifications" in content


def test_the_bell_has_a_name_when_nothing_is_unread(client, oscar):
    client.force_login(oscar)
    content = client.get(reverse("communities:profile")).content.decode()
    assert 'id="notification-bell"' in content
    assert "notification-count" not in content


def test_the_header_costs_nothing_until_a_template_asks(rf, bob, django_assert_num_queries):
    from essaimage.context_processors import header

    request = rf.get("/")
    request.user = bob
    with django_assert_num_queries(0):
        state = header(request)["header"]
    NotificationFactory(recipient=bob)
    with django_assert_num_queries(1):
        assert state.unread_notifications == 1
        assert state.has_portal is False
