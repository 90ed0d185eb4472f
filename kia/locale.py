"""Dutch for everyone unless they choose English.

Django's ``LocaleMiddleware`` follows the browser's Accept-Language, so a visitor with an
English browser got English although the app's language is Dutch. Here only an explicit
choice counts: the language cookie that the language switch (``set_language``) sets.
"""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class ChosenLanguageMiddleware(LocaleMiddleware):
    def process_request(self, request: HttpRequest) -> None:
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        code = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = translation.get_language()
