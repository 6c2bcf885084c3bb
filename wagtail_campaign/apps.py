from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WagtailCampaignConfig(AppConfig):
    name = "wagtail_campaign"
    label = "wagtail_campaign"
    verbose_name = _("Campaigns")
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wagtail.permissions import register_permission_policy

        from . import checks  # noqa: F401  (registers the system checks)
        from .models.wall import Message
        from .permissions import message_permission_policy

        register_permission_policy(Message, message_permission_policy)
