"""Wagtail plugin of ahmadi-campaign: campaign pages, timelines, message walls and charts.

Add ``"wagtail_campaign"`` to ``INSTALLED_APPS`` and run ``migrate``.
"""
