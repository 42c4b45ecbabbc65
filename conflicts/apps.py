from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ConflictsConfig(AppConfig):
    name = "conflicts"
    verbose_name = _("Conflicts")
