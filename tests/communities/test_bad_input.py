"""No input, however malformed or large, produces a server error."""

import pytest
from django.urls import reverse

from ..factories import InvitationFactory, MembershipFactory

pytestmark = pytest.mark.django_db

HUGE = "é" * 100_000
NASTY_VALUES = [
    HUGE,
    "\x00null byte",
    "<script>alert(1)</script>",
    "'; DROP TABLE communities_structure; --",
    "%(name)s {{ 7*7 }}",
    "🐝" * 500,
    "   ",
    "-1",
    "9" * 400,
]


def forms_of(cast, bob_structure):
    invitation = InvitationFactory(structure=bob_structure)
    membership = MembershipFactory(structure=bob_structure)
    pk = bob_structure.pk
    return [
        (cast["bob"], reverse("communities:structure_create"),
         ["name", "acronym", "kind", "siret", "rna", "street_address", "postal_code", "city",
          "department", "region", "website", "email", "phone", "description"]),
        (cast["bob"], reverse("communities:structure_update", args=[pk]),
         ["name", "kind", "siret", "rna", "postal_code", "department", "region", "website"]),
        (cast["bob"], reverse("communities:invitation_create", args=[pk]), ["email", "role"]),
        (cast["bob"], reverse("communities:membership_update", args=[membership.pk]), ["role"]),
        (cast["bob"], reverse("communities:profile"),
         ["first_name", "last_name", "job_title", "phone", "language"]),
        (cast["bob"], reverse("set_language"), ["language", "next"]),
        (cast["oscar"], reverse("communities:invitation_accept", args=[invitation.key]), []),
        (None, reverse("account_signup"),
         ["first_name", "last_name", "email", "password1", "password2"]),
        (None, reverse("account_login"), ["login", "password"]),
        (None, reverse("account_reset_password"), ["email"]),
    ]


def test_malformed_and_oversized_input_never_breaks_a_form(client, cast, bob_structure):
    for user, url, fields in forms_of(cast, bob_structure):
        if user:
            client.force_login(user)
        else:
            client.logout()
        for value in NASTY_VALUES:
            data = {field: value for field in fields}
            response = client.post(url, data)
            assert response.status_code < 500, (url, value[:30])
            # Lists where one value is expected, and no data at all.
            response = client.post(url, {field: [value, value] for field in fields})
            assert response.status_code < 500, (url, "list")
        assert client.post(url, {}).status_code < 500


def test_scripts_in_names_are_shown_as_text(client, bob, bob_structure):
    bob_structure.name = "<script>alert('x')</script>"
    bob_structure.save()
    client.force_login(bob)
    html = client.get(reverse("communities:structure_detail", args=[bob_structure.pk])).content.decode()
    assert "<script>alert('x')</script>" not in html
    assert "&lt;script&gt;" in html


@pytest.mark.parametrize("params", [
    {"page": "abc"}, {"page": "-5"}, {"page": "999999"}, {"department": "not-a-pk"},
    {"kind": "alien"}, {"region": "99999999"}, {"q": HUGE[:2000]}, {"q": "\x00"},
])
def test_directory_survives_any_query_string(client, oscar, params):
    client.force_login(oscar)
    assert client.get(reverse("communities:structure_list"), params).status_code == 200


def test_an_oversized_request_body_is_refused_cleanly(client, bob):
    client.force_login(bob)
    response = client.post(reverse("communities:profile"), {"first_name": "x" * 6_000_000})
    assert response.status_code == 400
