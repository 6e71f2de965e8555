"""Personal API tokens: one per person, created, regenerated and revoked from the profile."""

from django.db import transaction
from rest_framework.authtoken.models import Token


def token_of(user) -> Token | None:
    """The person's current token, if they have one."""
    return Token.objects.filter(user=user).first()


@transaction.atomic
def regenerate_token(user) -> Token:
    """Give `user` a new token; any previous one stops working at once."""
    Token.objects.filter(user=user).delete()
    return Token.objects.create(user=user)


def revoke_token(user) -> bool:
    """Delete `user`'s token, so that programs using it are refused; False if there was none."""
    deleted, _ = Token.objects.filter(user=user).delete()
    return bool(deleted)
