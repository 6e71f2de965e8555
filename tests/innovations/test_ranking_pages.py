import pytest
from django.urls import reverse

from innovations.models import Application

from ..factories import SubmittedApplicationFactory

pytestmark = pytest.mark.django_db


def test_a_large_ranking_is_split_into_pages_that_keep_the_positions(client, alice, open_call):
    SubmittedApplicationFactory.create_batch(105, call=open_call,
                                             status=Application.Status.ELIGIBLE)
    client.force_login(alice)
    url = reverse("innovations:call_ranking", args=[open_call.pk])
    first = client.get(url)
    second = client.get(url, {"sort": "title", "page": 2})
    assert len(first.context["page"].object_list) == 100
    assert len(second.context["page"].object_list) == 5
    assert second.context["page"].start_index() == 101
    assert "sort=title&amp;page=1" in second.content.decode()
