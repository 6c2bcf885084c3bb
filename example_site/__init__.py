"""Example Wagtail project showing the #IStandWithAhmadis campaign built with ahmadi-campaign."""
