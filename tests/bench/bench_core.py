"""Core benchmark: messages per second through normalise + sanitise + policy.

Run with ``make bench``. The peer, measured in the same run on the same
messages, is the least any safe wall must do: bleach's ``clean`` followed by
``linkify``. The ratio tells what our extra work (Unicode normalisation,
look-alike matching, duplicate and flood checks) costs on top of that.

Messages are generated, deterministic, 50-800 characters, mixed English and
Urdu, about one in four with a link; every word is ours.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import random
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import bleach

from ahmadi_campaign.history import MemoryHistory
from ahmadi_campaign.moderation import Candidate, Inspection, Policy
from ahmadi_campaign.sanitize import count_links, text_to_html
from ahmadi_campaign.text import normalize_text
from tests.bench.markdown import write_section

ENGLISH = (
    "we stand with our Ahmadi neighbours today and every day . no one should fear for "
    "their faith , their home or their work . solidarity from Lahore Karachi Delhi Dubai "
    "Toronto and Houston ! thank you all for speaking up when it mattered"
).split()
URDU = (
    "ہم اپنے احمدی ہمسایوں کے ساتھ کھڑے ہیں ۔ کسی کو اپنے عقیدے کی وجہ سے خوف "
    "میں نہیں رہنا چاہیے ۔ لاہور کراچی اور دنیا بھر سے یکجہتی ۔ آپ سب کا شکریہ"
).split()
LINKS = ["https://example.org/news/2015/12/solidarity", "www.example.com/a?b=1&c=2"]
BANNED = ["badword", "vileterm", "کافر"]

MARK_START = "<!-- bench:core:start -->"
MARK_END = "<!-- bench:core:end -->"


def make_messages(count: int, seed: int = 2015) -> list[tuple[str, str]]:
    """Return ``count`` (text, fingerprint) pairs of 50-800 characters."""
    rng = random.Random(seed)
    messages = []
    for _ in range(count):
        target = rng.randint(50, 800)
        words: list[str] = []
        size = 0
        pool = URDU if rng.random() < 0.4 else ENGLISH
        while size < target:
            if rng.random() < 0.05:
                pool = URDU if pool is ENGLISH else ENGLISH  # mixed-language messages
            word = rng.choice(pool)
            words.append(word)
            size += len(word) + 1
        if rng.random() < 0.25:
            words.insert(rng.randrange(len(words)), rng.choice(LINKS))
        text = " ".join(words)[:800]
        if rng.random() < 0.1:
            text = text.upper()
        messages.append((text, f"client-{rng.randrange(500)}"))
    return messages


def run_pipeline(messages: Sequence[tuple[str, str]]) -> int:
    """Our full write path; returns how many messages were approved (so nothing is skipped)."""
    policy = Policy.default(banned_terms=BANNED)
    history = MemoryHistory()
    start = dt.datetime(2015, 12, 1, tzinfo=dt.UTC)
    approved = 0
    for n, (raw, fingerprint) in enumerate(messages):
        body = normalize_text(raw)
        html = text_to_html(body)
        candidate = Candidate(
            body=body,
            submitted_at=start + dt.timedelta(seconds=n),
            fingerprint=fingerprint,
            link_count=count_links(html),
        )
        inspection = Inspection(candidate)
        decision = policy.inspect(inspection, history)
        history.record(inspection)
        approved += decision.action == "approve"
    return approved


def run_peer(messages: Sequence[tuple[str, str]]) -> int:
    """bleach.clean + bleach.linkify, nothing else."""
    total = 0
    for raw, _ in messages:
        total += len(bleach.linkify(bleach.clean(raw)))
    return total


def rate(
    func: Callable[[Sequence[tuple[str, str]]], int], messages: Sequence[tuple[str, str]]
) -> float:
    """Messages per second of one run."""
    began = time.perf_counter()
    func(messages)
    return len(messages) / (time.perf_counter() - began)


def measure(messages: Sequence[tuple[str, str]], repeats: int) -> tuple[float, float, float]:
    """Median messages/s of ours and of the peer, and the median ratio of the two.

    Rounds are interleaved (ours, peer, ours, peer...) so that a machine whose speed
    drifts during the run (a shared virtual machine) moves both sides alike.
    """
    ours, peer, ratios = [], [], []
    for _ in range(repeats):
        ours.append(rate(run_pipeline, messages))
        peer.append(rate(run_peer, messages))
        ratios.append(ours[-1] / peer[-1])
    return statistics.median(ours), statistics.median(peer), statistics.median(ratios)


def machine() -> str:
    cpu = platform.processor() or platform.machine()
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{cpu}, {os.cpu_count()} cores visible (benchmark uses one), "
        f"Python {platform.python_version()}, {platform.system()} {platform.release()}"
    )


def report(count: int, repeats: int) -> str:
    messages = make_messages(count)
    run_pipeline(messages[:200])  # warm caches (confusables table, regexes)
    ours, peer, ratio = measure(messages, repeats)
    approved = run_pipeline(messages)
    mean_len = statistics.mean(len(text) for text, _ in messages)
    today = dt.date.today().isoformat()
    return "\n".join(
        [
            MARK_START,
            f"Measured {today} on {machine()}.",
            "",
            f"{count} generated messages (mean {mean_len:.0f} characters, 50-800, mixed English "
            f"and Urdu, ~25 % with a link); median of {repeats} interleaved rounds.",
            "",
            "| pipeline | messages/s | ratio to peer |",
            "|---|---:|---:|",
            f"| ours: normalise + sanitise + linkify + policy (7 rules) + history | {ours:,.0f} "
            f"| {ratio:.2f}x |",
            f"| peer: bleach.clean + bleach.linkify only | {peer:,.0f} | 1.00x |",
            "",
            f"Target: at least 2,000 messages/s on one core: "
            f"{'met' if ours >= 2000 else 'NOT met'}. "
            f"The policy approved {approved} of {count} (the rest were held or rejected as "
            "shouting, duplicates or floods, which exercises every rule).",
            MARK_END,
        ]
    )


def write(path: Path, section: str) -> None:
    write_section(path, section, start=MARK_START, end=MARK_END, preamble="## Core pipeline\n\n")


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--messages", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--write", type=Path, help="update this Markdown file in place")
    args = parser.parse_args(argv)
    section = report(args.messages, args.repeats)
    print(section)
    if args.write:
        write(args.write, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
