"""Plain Django URLs of the plugin; a host includes them to serve the wall feeds cheaply.

.. code-block:: python

    path("campaign/", include("wagtail_campaign.urls")),

Without them every wall still serves its feed as a page route (``messages-json/``),
which costs Wagtail's page routing on every poll.
"""

from django.urls import path

from .views.wall import wall_feed

app_name = "wagtail_campaign"

urlpatterns = [
    path("walls/<int:wall_id>/messages.json", wall_feed, name="wall_feed"),
]
