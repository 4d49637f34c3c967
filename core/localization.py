"""
Staff-written content in the visitor's language.

A translatable field `title` has a sibling `title_es` (and so on for any other language in
settings.LANGUAGES). `localized(obj, "title")` is the sibling for the active language when staff
filled it in, else the English original: a blank translation never hides content. Templates write
`{{ campaign.localized.title }}` (models mix in LocalizedContent).
"""

from typing import Any

from django.conf import settings
from django.utils import translation


def localized(obj: Any, field: str, *, language: str | None = None) -> Any:
    code = (language or translation.get_language() or settings.LANGUAGE_CODE).split("-")[0].lower()
    if code != settings.LANGUAGE_CODE:
        translated = getattr(obj, f"{field}_{code}", None)
        if isinstance(translated, str) and translated.strip():
            return translated
    return getattr(obj, field)


class Localized:
    """`Localized(obj).title` is `localized(obj, "title")`, for templates."""

    __slots__ = ("_obj",)

    def __init__(self, obj: Any):
        self._obj = obj

    def __getattr__(self, field: str) -> Any:
        if field.startswith("_"):
            raise AttributeError(field)
        return localized(self._obj, field)


class LocalizedContent:
    """Mixin for models (and plain objects) with `<field>_<language>` translations."""

    @property
    def localized(self) -> Localized:
        return Localized(self)


def translation_fill(
    obj: Any, *, original: dict[str, str], translated: dict[str, str], language: str = "es"
) -> list[str]:
    """
    For seeding: set `<field>_<language>` from `translated` where it is blank and the original
    field still holds the seed's text (`original`), so staff edits and staff translations stay as
    they are. Returns the names of the fields set; the caller saves.
    """
    changed = []
    for field, text in translated.items():
        target = f"{field}_{language}"
        if getattr(obj, field) == original.get(field) and not getattr(obj, target):
            setattr(obj, target, text)
            changed.append(target)
    return changed
