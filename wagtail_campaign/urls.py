"""Plain Django URLs of the plugin; a host includes them to serve the walls' feeds and take
their messages cheaply, without Wagtail's page routing.

.. code-block:: python

    path("campaign/", include("wagtail_campaign.urls")),

Without them every wall still serves its feed as a page route (``messages-json/``),
which costs Wagtail's page routing on every poll, and its form posts to its ``write/``
route, where the routing was a third of the cost of storing a message.
"""

from django.urls import path

from .views.wall import wall_feed, wall_write

app_name = "wagtail_campaign"

urlpatterns = [
    path("walls/<int:wall_id>/messages.json", wall_feed, name="wall_feed"),
    path("walls/<int:wall_id>/write/", wall_write, name="wall_write"),
]
