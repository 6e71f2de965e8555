"""Who may see or change programmes."""

from essaimage.scoping import get_visible_or_404

from .models import Programme


def get_programme_for_user(user, pk) -> Programme:
    """Return the programme if `user` may see it; a 404 otherwise."""
    return get_visible_or_404(Programme.objects.select_related("lead_structure"), user, pk=pk)


def can_edit_programme(user, programme: Programme) -> bool:
    if not user.is_authenticated:
        return False
    return user.is_superuser or programme.staff.filter(pk=user.pk).exists()
