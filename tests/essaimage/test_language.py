import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_french_is_the_default(client):
    response = client.get(reverse("home"))
    assert response.headers["Content-Language"] == "fr"
    assert '<html lang="fr">' in response.content.decode()


def test_the_switch_changes_the_language_and_comes_back(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/structures/"})
    assert response.status_code == 302
    assert response["Location"] == "/structures/"
    response = client.get(reverse("home"))
    assert response.headers["Content-Language"] == "en"


def test_a_signed_in_person_keeps_the_choice_on_another_device(client, oscar):
    client.force_login(oscar)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    oscar.refresh_from_db()
    assert oscar.language == "en"

    other_device = type(client)()
    other_device.force_login(oscar)
    assert other_device.get(reverse("home")).headers["Content-Language"] == "en"


def test_unknown_languages_and_foreign_redirects_are_ignored(client):
    response = client.post(reverse("set_language"), {"language": "xx",
                                                      "next": "https://evil.example.com/"})
    assert response["Location"] == "/"
    assert "django_language" not in response.cookies


def test_switch_refuses_get(client):
    assert client.get(reverse("set_language")).status_code == 405


def test_dates_are_localised(client, alice, programme):
    from datetime import date

    programme.start_date = date(2018, 6, 1)
    programme.save()
    client.force_login(alice)
    html = client.get(reverse("programmes:programme_detail", args=[programme.pk])).content.decode()
    assert "1 juin 2018" in html
