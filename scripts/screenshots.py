"""Take the documentation's screenshots of the example site (``make screenshots``).

Starts the example site on a free port with a throwaway SQLite database seeded by
``seed_demo``, drives Debian's Chromium with Playwright (no browser download), and
writes small palette PNGs to ``docs/_static/screenshots/``: the campaign, the
timeline and the wall, on a desktop (1280 px wide), on a phone (390 px) and in
Urdu (right to left). Any Content-Security-Policy violation or script error the
browser reports makes the script fail, so the screenshots also check the pages.

    .venv/bin/python scripts/screenshots.py [--out DIR] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from PIL import Image
from playwright.sync_api import ConsoleMessage, Page, sync_playwright

ROOT = Path(__file__).resolve().parent.parent
MANAGE = ROOT / "example_site" / "manage.py"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


@dataclass(frozen=True)
class Shot:
    name: str
    path: str
    viewport: dict[str, int]
    language: str = "en"
    #: A CSS selector: scroll to it and capture just that element.
    element: str = ""
    #: A CSS selector: scroll it to the top of the window, then capture the window.
    scroll_to: str = ""


SHOTS = [
    Shot("home-desktop", "/", DESKTOP),
    Shot("campaign-desktop", "/istandwithahmadis/", DESKTOP),
    Shot("campaign-chart", "/istandwithahmadis/", DESKTOP, element=".wc-chart"),
    Shot("timeline-desktop", "/istandwithahmadis/timeline/", DESKTOP),
    Shot("wall-desktop", "/istandwithahmadis/wall/", DESKTOP),
    Shot("wall-messages", "/istandwithahmadis/wall/", DESKTOP, scroll_to=".wc-wall__messages"),
    Shot("campaign-mobile", "/istandwithahmadis/", PHONE),
    Shot("timeline-mobile", "/istandwithahmadis/timeline/", PHONE),
    Shot("wall-mobile", "/istandwithahmadis/wall/", PHONE),
    Shot("try-wall-write-mobile", "/try-the-wall/write/", PHONE),
    Shot("campaign-urdu", "/istandwithahmadis/", DESKTOP, language="ur"),
    Shot("timeline-urdu", "/istandwithahmadis/timeline/", DESKTOP, language="ur"),
    Shot(
        "wall-urdu", "/istandwithahmadis/wall/", PHONE, language="ur", scroll_to="#wc-stats-heading"
    ),
]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextlib.contextmanager
def demo_server(workdir: Path) -> Iterator[str]:
    """The example site on a fresh, seeded SQLite database; yields its base URL."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{workdir / 'db.sqlite3'}",
        "DJANGO_SETTINGS_MODULE": "example_site.settings",
        "DEBUG": "1",  # runserver serves the static files
    }
    env.pop("REDIS_URL", None)
    for command in (["migrate", "--noinput", "-v0"], ["seed_demo"]):
        subprocess.run([sys.executable, str(MANAGE), *command], env=env, check=True)  # noqa: S603
    port = free_port()
    server = subprocess.Popen(  # noqa: S603
        [sys.executable, str(MANAGE), "runserver", f"127.0.0.1:{port}", "--noreload"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                urllib.request.urlopen(base + "/", timeout=5).close()  # noqa: S310 (local)
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    raise SystemExit("The example site did not start.") from None
                time.sleep(0.3)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


def shrink(path: Path) -> None:
    """Re-save as a 64-colour palette PNG: flat pages stay sharp at a fraction of the size."""
    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=64, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def take(page: Page, base: str, shot: Shot, out: Path) -> Path:
    page.set_viewport_size(shot.viewport)
    page.goto(base + shot.path, wait_until="networkidle")
    target = out / f"{shot.name}.png"
    if shot.element:
        locator = page.locator(shot.element).first
        locator.scroll_into_view_if_needed()
        locator.screenshot(path=str(target))
    else:
        if shot.scroll_to:
            page.locator(shot.scroll_to).first.evaluate(
                "element => element.scrollIntoView({behavior: 'instant', block: 'start'})"
            )
        page.screenshot(path=str(target))
    shrink(target)
    return target


def switch_language(page: Page, base: str, language: str) -> None:
    """Use the header's language form, as a visitor without JavaScript would."""
    page.goto(base + "/", wait_until="networkidle")
    page.click(f'.lang-switch button[value="{language}"]')
    page.wait_for_load_state("networkidle")
    found = page.get_attribute("html", "lang")
    if found != language:
        raise SystemExit(f"The language switch did not switch to {language!r} (got {found!r}).")


def watch(page: Page, problems: list[str]) -> None:
    """Collect console errors (CSP violations, 404s) and uncaught script errors."""

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(f"{page.url}: {message.text}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"{page.url}: {error}"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "_static" / "screenshots")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    problems: list[str] = []
    with (
        tempfile.TemporaryDirectory(prefix="campaign-shots-") as workdir,
        demo_server(Path(workdir)) as base,
        sync_playwright() as playwright,
    ):
        browser = playwright.chromium.launch(executable_path=args.chromium, args=CHROMIUM_ARGS)
        try:
            for language in ("en", "ur"):
                context = browser.new_context(device_scale_factor=1, locale=language)
                page = context.new_page()
                watch(page, problems)
                if language != "en":
                    switch_language(page, base, language)
                for shot in SHOTS:
                    if shot.language == language:
                        target = take(page, base, shot, args.out)
                        size = target.stat().st_size // 1024
                        print(f"{target}  {size} KB", flush=True)
                context.close()
        finally:
            browser.close()
    if problems:
        raise SystemExit("The browser reported problems:\n" + "\n".join(problems))


if __name__ == "__main__":
    main()
