from django.conf import settings


def navigation(request):
    """What the layout needs on every page; nothing here queries the database."""
    return {
        "available_languages": settings.LANGUAGES,
        "source_code_url": settings.SOURCE_CODE_URL,
    }
