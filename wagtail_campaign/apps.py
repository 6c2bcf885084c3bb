from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailCampaignConfig(AppConfig):
    name = "wagtail_campaign"
    label = "wagtail_campaign"
    verbose_name = _("Campaigns")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks  # noqa: F401  (registers the system checks)
