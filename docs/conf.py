"""Sphinx configuration (MyST Markdown, as Wagtail's own docs)."""

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import ahmadi_campaign  # noqa: E402

project = "ahmadi-campaign"
author = "ahmadi-campaign contributors"
copyright = "2026, ahmadi-campaign contributors"  # noqa: A001
release = ahmadi_campaign.__version__
version = release

extensions = [
    "myst_parser",
    "sphinx.ext.autodoc",
    "sphinx.ext.intersphinx",
    "sphinx.ext.viewcode",
]
source_suffix = {".md": "markdown", ".rst": "restructuredtext"}
myst_enable_extensions = ["colon_fence", "deflist"]
myst_heading_anchors = 3
exclude_patterns = ["_build"]

autodoc_member_order = "bysource"
autodoc_typehints = "description"
autodoc_default_options = {"members": True, "show-inheritance": True}
# Names the docs cannot resolve without network access to other projects' inventories.
# No intersphinx here (the docs build offline), so references into the
# standard library and bleach cannot resolve; everything of ours must.
nitpick_ignore_regex = [
    (r"py:.*", r"(bleach|re|datetime|dt|collections\.abc|typing|enum|unicodedata|zoneinfo)(\..*)?"),
]

intersphinx_mapping: dict[str, tuple[str, str | None]] = {}

html_theme = "furo"
html_title = "ahmadi-campaign"
html_static_path = ["_static"]
