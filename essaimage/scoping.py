"""The single way views load protected objects.

Every model that holds data someone may not see has a QuerySet method
`visible_to(user)`. Views, exports, PDFs and the API start from it, so the rule of
who sees what is written once per model.
"""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404


def get_visible_or_404(queryset, user, **lookup):
    """Return the object if `user` may see it; a 404 otherwise, so its existence stays hidden."""
    return get_object_or_404(queryset.visible_to(user), **lookup)


def require(allowed: bool) -> None:
    """Refuse with a 403 a user who may see an object but not do what they asked."""
    if not allowed:
        raise PermissionDenied
