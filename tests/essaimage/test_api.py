"""The API as a whole: authentication, tokens and their page, errors, throttling, the schema
and its documentation page."""

import re

import pytest
from django.core.management import call_command
from django.test import Client, override_settings
from django.urls import reverse
from rest_framework.authtoken.models import Token

from essaimage.api.tokens import regenerate_token, revoke_token, token_of
from tests.essaimage.api_helpers import token_header

SITES = reverse("api:site-list")
STRUCTURES = reverse("api:structure-list")


# --- Authentication ---------------------------------------------------------------------------


def test_a_token_authenticates_a_program(client, cast):
    response = client.get(STRUCTURES, **token_header(cast["oscar"]))

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"


def test_an_unknown_token_is_refused(client, cast):
    response = client.get(STRUCTURES, HTTP_AUTHORIZATION="Token " + "0" * 40)

    assert response.status_code == 401
    assert response.json()["code"] == "authentication_failed"


def test_a_revoked_token_stops_working(client, cast):
    headers = token_header(cast["bob"])
    assert client.get(STRUCTURES, **headers).status_code == 200

    revoke_token(cast["bob"])

    assert client.get(STRUCTURES, **headers).status_code == 401


def test_a_regenerated_token_replaces_the_old_one(client, cast):
    old = token_header(cast["bob"])

    new = regenerate_token(cast["bob"])

    assert client.get(STRUCTURES, **old).status_code == 401
    assert client.get(STRUCTURES, HTTP_AUTHORIZATION=f"Token {new.key}").status_code == 200
    assert Token.objects.filter(user=cast["bob"]).count() == 1


def test_a_deactivated_persons_token_is_refused(client, cast):
    headers = token_header(cast["bob"])
    cast["bob"].is_active = False
    cast["bob"].save()

    assert client.get(STRUCTURES, **headers).status_code == 401


def test_anonymous_gets_401_and_the_shape_of_every_error(client, db):
    response = client.get(SITES)

    assert response.status_code == 401
    assert set(response.json()) == {"detail", "code"}


def test_a_browser_session_reads_the_api(client, cast):
    client.force_login(cast["fanny"])

    assert client.get(STRUCTURES, HTTP_ACCEPT="text/html").status_code == 200


def test_a_session_cannot_write_even_with_the_csrf_token(cast):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast["alice"])

    without_csrf = browser.post(SITES, {})
    assert without_csrf.status_code == 403
    browser.get(reverse("api:access"))
    csrf = browser.cookies["csrftoken"].value
    with_csrf = browser.post(SITES, {}, content_type="application/json",
                             HTTP_X_CSRFTOKEN=csrf)
    assert with_csrf.status_code == 405


def test_a_program_asking_for_html_still_gets_json(client, cast):
    response = client.get(STRUCTURES, HTTP_ACCEPT="text/html", **token_header(cast["oscar"]))

    assert response.status_code == 200
    assert response.json()["count"] >= 0


def test_errors_speak_the_persons_language(client, cast):
    response = client.get(SITES, HTTP_ACCEPT_LANGUAGE="fr")

    assert "authentification" in response.json()["detail"].lower()


@override_settings(API_THROTTLE_RATE="3/minute")
def test_too_many_requests_are_answered_429(client, cast):
    headers = token_header(cast["oscar"])
    for _ in range(3):
        assert client.get(STRUCTURES, **headers).status_code == 200

    response = client.get(STRUCTURES, **headers)

    assert response.status_code == 429
    assert response.json()["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    # Another person keeps their own allowance.
    assert client.get(STRUCTURES, **token_header(cast["bob"])).status_code == 200


# --- The "API access" page ---------------------------------------------------------------------


def test_the_access_page_asks_to_sign_in(client, db):
    response = client.get(reverse("api:access"))

    assert response.status_code == 302
    assert reverse("account_login") in response["Location"]


def test_creating_a_token_shows_it_once(client, cast):
    bob = cast["bob"]
    client.force_login(bob)
    assert reverse("api:token_create") in client.get(reverse("api:access")).content.decode()

    response = client.post(reverse("api:token_create"), follow=True)

    key = token_of(bob).key
    assert key in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert key not in client.get(reverse("api:access")).content.decode()
    assert client.get(STRUCTURES, HTTP_AUTHORIZATION=f"Token {key}").status_code == 200


def test_regenerating_from_the_page_replaces_the_token(client, cast):
    bob = cast["bob"]
    old = regenerate_token(bob).key
    client.force_login(bob)

    client.post(reverse("api:token_create"))

    assert token_of(bob).key != old
    assert not Token.objects.filter(key=old).exists()


def test_revoking_from_the_page_deletes_the_token(client, cast):
    bob = cast["bob"]
    key = regenerate_token(bob).key
    client.force_login(bob)

    response = client.post(reverse("api:token_revoke"))

    assert response.status_code == 302
    assert token_of(bob) is None
    assert client.get(STRUCTURES, HTTP_AUTHORIZATION=f"Token {key}").status_code == 401


def test_revoking_without_a_token_says_so(client, cast):
    client.force_login(cast["oscar"])

    response = client.post(reverse("api:token_revoke"), follow=True)

    assert response.status_code == 200
    assert token_of(cast["oscar"]) is None


@pytest.mark.parametrize("name", ["api:token_create", "api:token_revoke"])
def test_token_changes_need_a_post_with_csrf(cast, name):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(cast["bob"])

    assert browser.get(reverse(name)).status_code == 405
    assert browser.post(reverse(name)).status_code == 403
    assert token_of(cast["bob"]) is None


def test_one_cannot_touch_anothers_token(client, cast):
    carol_key = regenerate_token(cast["carol"]).key
    client.force_login(cast["bob"])

    client.post(reverse("api:token_revoke"))
    client.post(reverse("api:token_create"))

    assert token_of(cast["carol"]).key == carol_key


def test_the_access_page_links_to_the_documentation(client, cast):
    client.force_login(cast["fanny"])

    page = client.get(reverse("api:access")).content.decode()

    assert reverse("api:docs") in page
    assert reverse("api:schema") in page


# --- Schema and documentation -------------------------------------------------------------------


def test_the_schema_validates_without_warnings(tmp_path):
    # --fail-on-warn makes any warning of drf-spectacular an error, --validate checks OpenAPI 3.
    call_command("spectacular", "--validate", "--fail-on-warn", "--file",
                 str(tmp_path / "schema.yaml"))

    schema = (tmp_path / "schema.yaml").read_text()
    for path in ("/api/v1/structures/", "/api/v1/innovations/", "/api/v1/programmes/",
                 "/api/v1/projects/", "/api/v1/sites/", "/api/v1/indicator-values/",
                 "/api/v1/meetings/", "/api/v1/decisions/"):
        assert f"{path}:" in schema
        assert f"{path}{{id}}/:" in schema


def test_the_schema_lists_only_reads(client, db):
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json").json()

    methods = {method for operations in schema["paths"].values() for method in operations}
    assert methods <= {"get", "parameters"}
    assert {"tokenAuth", "cookieAuth"} <= set(schema["components"]["securitySchemes"])


def test_the_schema_is_in_the_readers_language(client, db):
    french = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json",
                        HTTP_ACCEPT_LANGUAGE="fr").json()
    english = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json",
                         HTTP_ACCEPT_LANGUAGE="en").json()

    assert english["paths"]["/api/v1/decisions/"]["get"]["summary"] == "Decisions register"
    assert french["paths"]["/api/v1/decisions/"]["get"]["summary"] == "Relevé de décisions"


def test_the_documentation_page_loads_nothing_from_outside(client, db):
    response = client.get(reverse("api:docs"))

    page = response.content.decode()
    assert response.status_code == 200
    assert re.search(r'<html lang="\w+">', page)
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in page
    assert not re.search(r"""(src|href)=["']?(https?:)?//""", page)
    assert "validatorUrl" in page and '"validatorUrl": null' in page


@pytest.mark.parametrize("path", ["/api/v1/nothing-here/", "/api/v1/sites/1/extra/",
                                  "/api/v1/sites/1.5/"])
def test_unknown_api_addresses_answer_the_apis_404(client, cast, path):
    response = client.get(path, **token_header(cast["alice"]))

    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
