"""Signing up, confirming the e-mail, signing in and out, resetting a password, two factors."""

import base64
import hashlib
import hmac
import re
import struct
import time

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.urls import reverse

from communities.models import User

from ..factories import PASSWORD, UserFactory

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def sign_in(client, email, password=PASSWORD):
    return client.post(reverse("account_login"), {"login": email, "password": password})


def test_signup_confirm_email_then_sign_in(client):
    response = client.post(reverse("account_signup"), {
        "first_name": "Nina", "last_name": "Nouvelle", "email": "nina@example.org",
        "password1": "un-mot-de-passe-solide", "password2": "un-mot-de-passe-solide",
    })
    assert response.status_code == 302
    user = User.objects.get(email="nina@example.org")
    assert (user.first_name, user.last_name, user.language) == ("Nina", "Nouvelle", "fr")

    # Not confirmed yet: signing in leads to the "check your mailbox" page.
    client.logout()
    response = sign_in(client, "nina@example.org", "un-mot-de-passe-solide")
    assert response.status_code == 302
    assert "confirm" in response["Location"] or "verif" in response["Location"]
    assert "_auth_user_id" not in client.session

    confirmation_url = link_in(mail.outbox[-1])
    client.post(confirmation_url.replace("http://127.0.0.1:8000", "").replace("http://testserver", ""))
    response = sign_in(client, "nina@example.org", "un-mot-de-passe-solide")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_signup_errors_are_shown_next_to_fields_and_input_kept(client):
    response = client.post(reverse("account_signup"), {
        "first_name": "Nina", "last_name": "", "email": "not-an-email",
        "password1": "court", "password2": "autre",
    })
    assert response.status_code == 200
    form = response.context["form"]
    assert {"last_name", "email"} <= set(form.errors)
    html = response.content.decode()
    assert 'value="Nina"' in html
    assert 'value="not-an-email"' in html
    assert not User.objects.filter(first_name="Nina").exists()


def test_signing_up_with_a_known_address_does_not_reveal_the_account(client, bob):
    # allauth prevents account enumeration: the owner is warned by e-mail instead.
    response = client.post(reverse("account_signup"), {
        "first_name": "Bob", "last_name": "Bis", "email": "bob@example.org",
        "password1": "un-mot-de-passe-solide", "password2": "un-mot-de-passe-solide",
    })
    assert response.status_code == 302
    assert User.objects.filter(email="bob@example.org").count() == 1
    assert mail.outbox[-1].to == ["bob@example.org"]


def test_email_is_the_login_whatever_its_case(client, bob):
    response = sign_in(client, "BOB@Example.org")
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(bob.pk)


def test_wrong_password_is_refused_with_a_message(client, bob):
    response = sign_in(client, "bob@example.org", "mauvais-mot-de-passe")
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert 'value="bob@example.org"' in response.content.decode()


def test_failed_logins_are_rate_limited(client, bob):
    for _ in range(5):
        sign_in(client, "bob@example.org", "mauvais-mot-de-passe")
    # Even the right password is refused until the limit expires, with a clear message.
    response = sign_in(client, "bob@example.org")
    assert "_auth_user_id" not in client.session
    assert "Trop de tentatives" in " ".join(response.context["form"].non_field_errors())


def test_password_reset_by_email(client, bob):
    client.post(reverse("account_reset_password"), {"email": "bob@example.org"})
    reset_url = link_in(mail.outbox[-1]).split("testserver")[-1]
    response = client.get(reset_url, follow=True)
    form_url = response.redirect_chain[-1][0] if response.redirect_chain else reset_url
    response = client.post(form_url, {"password1": "nouveau-mot-de-passe-solide",
                                      "password2": "nouveau-mot-de-passe-solide"})
    assert response.status_code == 302
    client.logout()
    sign_in(client, "bob@example.org", "nouveau-mot-de-passe-solide")
    assert client.session["_auth_user_id"] == str(bob.pk)


def test_sign_out_needs_a_post(client, bob):
    client.force_login(bob)
    client.post(reverse("account_logout"))
    assert "_auth_user_id" not in client.session


def current_totp(secret: str) -> str:
    """The code an authenticator app shows now (RFC 6238: 30-second steps, 6 digits)."""
    counter = struct.pack(">Q", int(time.time()) // 30)
    digest = hmac.new(base64.b32decode(secret, casefold=True), counter, hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    value = struct.unpack(">I", digest[offset:offset + 4])[0] & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def test_two_factor_authentication_with_totp(client, bob):
    sign_in(client, "bob@example.org")
    # Turning on a second factor asks for the password again first.
    response = client.get(reverse("mfa_activate_totp"))
    assert response["Location"].startswith(reverse("account_reauthenticate"))
    client.post(reverse("account_reauthenticate"), {"password": PASSWORD})
    response = client.get(reverse("mfa_activate_totp"))
    assert response.status_code == 200
    secret = response.context["form"].secret
    response = client.post(reverse("mfa_activate_totp"), {"code": current_totp(secret)})
    assert response.status_code == 302, response.context["form"].errors
    assert Authenticator.objects.filter(user=bob, type=Authenticator.Type.TOTP).exists()

    # Next sign-in asks for the code before opening the session.
    client.logout()
    response = sign_in(client, "bob@example.org")
    assert response["Location"] == reverse("mfa_authenticate")
    assert "_auth_user_id" not in client.session
    response = client.post(reverse("mfa_authenticate"), {"code": "000000"})
    assert "_auth_user_id" not in client.session
    client.post(reverse("mfa_authenticate"), {"code": current_totp(secret)})
    assert client.session["_auth_user_id"] == str(bob.pk)


def test_an_unconfirmed_person_cannot_sign_in(client):
    UserFactory(email="new@example.org", verified=False)
    sign_in(client, "new@example.org")
    assert "_auth_user_id" not in client.session
