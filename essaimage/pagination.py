"""Pieces list pages share."""


def query_without(request, *names: str) -> str:
    """The page's query string without `names`, for links that set them again: the pages of a
    list keep its filters, a sort link starts again at page one."""
    query = request.GET.copy()
    for name in names:
        query.pop(name, None)
    return query.urlencode()
