"""Names that are data (tiers, product lines) in each of the site's languages.

A name is written by staff in English with optional Simplified and Traditional Chinese
versions; it is shown in the reader's language (Traditional falls back to Simplified, both
to English) and stored with messages as all its versions (portal.messages.Message.names),
so a notification names a tier in the language of whoever reads it."""

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


class TranslatedNameModel(models.Model):
    """An abstract model with ``name`` (English) and its Chinese versions."""

    name_zh_hans = models.CharField(
        _("name (Simplified Chinese)"), max_length=100, blank=True, help_text=_("Blank: the name.")
    )
    name_zh_hant = models.CharField(
        _("name (Traditional Chinese)"),
        max_length=100,
        blank=True,
        help_text=_("Blank: the Simplified Chinese name, else the name."),
    )

    class Meta:
        abstract = True

    def __str__(self):
        return self.display_name

    def names_by_language(self) -> dict[str, str]:
        hans = self.name_zh_hans or self.name
        return {
            settings.LANGUAGE_CODE: self.name,
            "zh-hans": hans,
            "zh-hant": self.name_zh_hant or hans,
        }

    @property
    def display_name(self) -> str:
        """The name in the active language."""
        names = self.names_by_language()
        return names.get(translation.get_language() or "", self.name)
