"""Out-of-process control of the live server's database, for the browser tests.

Run with ``DJANGO_SETTINGS_MODULE=tests.e2e.server_settings`` and ``E2E_DATABASE`` set::

    python -m tests.e2e.wallctl make-wall     # build the page tree, print the wall as JSON
    python -m tests.e2e.wallctl make-pow-wall # a post-moderated wall with proof of work
    python -m tests.e2e.wallctl approve       # approve every pending message, print counts
    python -m tests.e2e.wallctl counts        # messages by status

Every command prints one JSON object on stdout. The test process never opens the
server's database itself: it stays an HTTP client, as a visitor is.
"""

from __future__ import annotations

import datetime as dt
import json
import sys
from typing import Any


def _setup() -> None:
    import django

    django.setup()


def make_wall(slug: str = "xss-wall", **fields: Any) -> dict[str, Any]:
    """Root page -> site home -> a MessageWallPage open from yesterday to tomorrow (UTC).

    ``fields`` override the wall's settings below.
    """
    from django.utils import timezone
    from wagtail.models import Site

    from wagtail_campaign.models import MessageWallPage

    site = Site.objects.get(is_default_site=True)
    home = site.root_page
    today = timezone.now().astimezone(dt.UTC).date()
    settings: dict[str, Any] = {
        "title": "XSS wall",
        "opens_on": today - dt.timedelta(days=1),
        "closes_on": today + dt.timedelta(days=1),
        "time_zone": "UTC",
        "moderation_mode": "pre",
        "kinds": "support,thanks",
        "banned_terms": "",
        "max_messages_per_client": 1000,
        "max_messages_per_minute": 10000,
    }
    wall = MessageWallPage(slug=slug, **(settings | fields))
    home.add_child(instance=wall)
    wall.save_revision().publish()
    wall.refresh_from_db()
    return {"id": wall.pk, "url": wall.get_url(), "open": wall.is_open()}


def make_pow_wall() -> dict[str, Any]:
    """A post-moderated wall with the proof-of-work check on (``test_wall_pow_browser``)."""
    return make_wall(
        "pow-wall", title="Proof-of-work wall", moderation_mode="post", proof_of_work=True
    )


def approve() -> dict[str, Any]:
    """Approve every pending message (what a moderator's bulk action does), return counts."""
    from django.utils import timezone

    from wagtail_campaign.models import Message

    pending = Message.objects.filter(status="pending")
    ids = sorted(pending.values_list("pk", flat=True))
    changed = Message.objects.filter(pk__in=ids).update(
        status="approved", moderated_at=timezone.now()
    )
    return {"approved_now": changed, "ids": ids, **counts()}


def counts() -> dict[str, Any]:
    from django.db.models import Count

    from wagtail_campaign.models import Message

    by_status = dict(Message.objects.values_list("status").annotate(n=Count("id")).order_by())
    return {"by_status": by_status, "total": sum(by_status.values())}


COMMANDS = {
    "make-wall": make_wall,
    "make-pow-wall": make_pow_wall,
    "approve": approve,
    "counts": counts,
}


def main(argv: list[str]) -> int:
    if len(argv) != 1 or argv[0] not in COMMANDS:
        print(f"usage: python -m tests.e2e.wallctl {{{','.join(COMMANDS)}}}", file=sys.stderr)
        return 2
    _setup()
    print(json.dumps(COMMANDS[argv[0]]()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
