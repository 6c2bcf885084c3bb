"""Framework-free core of ahmadi-campaign.

Everything here takes and returns plain Python values (``str``, ``datetime``,
dataclasses) and never imports Django or Wagtail; the ``wagtail_campaign`` plugin
maps its models onto these values.
"""

__version__ = "0.1.0.dev0"
