"""Calling the read-only API in tests: as a person with a token, and reading the ids back."""

from rest_framework.authtoken.models import Token


def token_header(user) -> dict:
    """The Authorization header of `user`'s token (created on first use)."""
    token, _ = Token.objects.get_or_create(user=user)
    return {"HTTP_AUTHORIZATION": f"Token {token.key}"}


def api_get(client, user, path, **params):
    """GET `path` with `user`'s token (no token for None, as an anonymous program would)."""
    headers = token_header(user) if user is not None else {}
    return client.get(path, params, **headers)


def ids(response) -> set[int]:
    """The ids of a list page's results."""
    assert response.status_code == 200, response.content
    return {row["id"] for row in response.json()["results"]}
