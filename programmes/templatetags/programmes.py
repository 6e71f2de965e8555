from django import template

from programmes.permissions import can_read_pool

register = template.Library()


@register.simple_tag(takes_context=True)
def may_read_pool(context, project) -> bool:
    """Whether the signed-in person may open the project's pooled grant (staff and funders):
    the tab is not offered to readers who would get a 404."""
    user = context["request"].user
    return can_read_pool(user, project)
