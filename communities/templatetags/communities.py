from django import template

from ..markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text):
    """Render a message written in markdown as sanitised HTML."""
    return render_markdown(text)


@register.filter
def message(post):
    """Render a message of a space as sanitised HTML, the people it mentions highlighted (its
    mentions must be prefetched: a template runs no query)."""
    return render_markdown(post.body, mentions=[person.display_name
                                                for person in post.mentions.all()])
