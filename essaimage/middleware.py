from django.conf import settings
from django.utils import translation


class UserLanguageMiddleware:
    """Speak a signed-in person's preferred language until they pick another one.

    LocaleMiddleware has already honoured the language cookie and the browser; a
    person who chose a language in their profile gets it on any device, unless this
    browser carries an explicit choice (the cookie set by the language switch).
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        has_cookie = settings.LANGUAGE_COOKIE_NAME in request.COOKIES
        if user is not None and user.is_authenticated and not has_cookie and user.language:
            translation.activate(user.language)
            request.LANGUAGE_CODE = translation.get_language()
        return self.get_response(request)
