"""Moderation policy: an ordered list of rules that approve, hold or reject a message.

Each rule looks at one :class:`Candidate` (plus what :class:`History` knows of
recent messages) and returns a :class:`Verdict` with a machine-readable
``code`` and a human ``message``. :meth:`Policy.evaluate` runs the rules in
order, stops at the first rejection and returns a :class:`Decision` carrying
the strictest action and every reason, so moderators can see why a message
was held. A policy is built from plain data (:meth:`Policy.from_dict`,
:meth:`Policy.from_toml`) so it can live in a settings file or a database field.
"""

from __future__ import annotations

import datetime as dt
import functools
import itertools
import re
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields
from enum import StrEnum
from functools import cached_property
from typing import Any, ClassVar, Protocol

from . import similarity
from .errors import PolicyConfigError
from .text import grapheme_count, graphemes, matching_form

__all__ = [
    "Action",
    "Candidate",
    "Decision",
    "History",
    "Inspection",
    "Policy",
    "Rule",
    "Verdict",
]


class Action(StrEnum):
    """What to do with a message, from most to least lenient."""

    APPROVE = "approve"
    HOLD = "hold"
    REJECT = "reject"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]


_SEVERITY = {Action.APPROVE: 0, Action.HOLD: 1, Action.REJECT: 2}


@dataclass(frozen=True, slots=True)
class Verdict:
    """One rule's finding: an action, a stable reason code and a sentence for people."""

    action: Action
    code: str
    message: str = ""


APPROVED = Verdict(Action.APPROVE, "ok")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A message about to be stored: normalised plain text plus what is known of its sender.

    ``fingerprint`` is the pseudonymous client id from :mod:`ahmadi_campaign.privacy`,
    never an IP address. ``link_count`` comes from :func:`ahmadi_campaign.sanitize.count_links`.
    """

    body: str
    submitted_at: dt.datetime
    fingerprint: str = ""
    display_name: str = ""
    link_count: int = 0


class Inspection:
    """A candidate with its derived matching forms, computed once and shared by all rules."""

    def __init__(self, candidate: Candidate) -> None:
        self.candidate = candidate

    @cached_property
    def body_matching(self) -> str:
        """The body in :func:`~ahmadi_campaign.text.matching_form` (look-alikes folded)."""
        return matching_form(self.candidate.body)

    @cached_property
    def matching(self) -> str:
        """Display name and body in matching form, for banned-term search."""
        name = self.candidate.display_name
        return f"{matching_form(name)}\n{self.body_matching}" if name else self.body_matching

    @cached_property
    def body_words(self) -> list[str]:
        """Runs of letters and digits of the body (see :func:`.similarity.words`)."""
        return similarity.words(self.body_matching)

    @cached_property
    def squashed(self) -> str:
        """The matching form with only letters and digits left."""
        # Squashing drops the separator, so the name's and the body's squashed forms join.
        name = self.candidate.display_name
        body = "".join(self.body_words)
        return similarity.squash(matching_form(name)) + body if name else body

    @cached_property
    def digest(self) -> str:
        """Hash of the body that ignores case, spacing, punctuation and look-alike letters."""
        return similarity.digest_of_words(self.body_words)

    @cached_property
    def shingles(self) -> frozenset[int]:
        """Word-pair hashes of the body, for near-duplicate (Jaccard) comparison."""
        return similarity.shingles_of_words(self.body_words)

    @cached_property
    def band_keys(self) -> tuple[tuple[int, ...], ...]:
        """MinHash band keys of :attr:`shingles`, see :func:`.similarity.band_keys`."""
        return similarity.band_keys(self.shingles)


class History(Protocol):
    """What a policy may ask about messages already received (a database, a cache, memory)."""

    def count_from(self, fingerprint: str, since: dt.datetime) -> int:
        """Messages from ``fingerprint`` received at or after ``since``."""
        ...

    def count_digest(
        self, digest: str, since: dt.datetime, *, fingerprint: str | None = None
    ) -> int:
        """Messages with this digest since ``since``, from one client if given."""
        ...

    def has_similar(self, message: Inspection, since: dt.datetime, threshold: float) -> bool:
        """Whether a message since ``since`` has shingles with Jaccard similarity >= ``threshold``.

        Implementations may look only at candidates sharing one of
        :attr:`Inspection.band_keys` (probabilistic, see
        :func:`ahmadi_campaign.similarity.band_keys`).
        """
        ...


class Rule:
    """Base class of policy rules; subclasses are frozen dataclasses with a ``name``."""

    name: ClassVar[str]

    def check(self, message: Inspection, history: History) -> Verdict:
        raise NotImplementedError

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"rule": self.name}
        for f in fields(self):  # type: ignore[arg-type]
            value = getattr(self, f.name)
            data[f.name] = list(value) if isinstance(value, tuple) else value
        return data


def _action(value: Any, setting: str) -> Action:
    try:
        return Action(value)
    except ValueError:
        choices = ", ".join(a.value for a in Action)
        raise PolicyConfigError(f"{setting} must be one of {choices}, not {value!r}.") from None


@dataclass(frozen=True)
class EmptyRule(Rule):
    """Reject a message with nothing visible left after cleaning."""

    name: ClassVar[str] = "empty"

    def check(self, message: Inspection, history: History) -> Verdict:
        if message.candidate.body.strip():
            return APPROVED
        return Verdict(Action.REJECT, "empty", "The message is empty.")


@dataclass(frozen=True)
class LengthRule(Rule):
    """Reject messages shorter or longer than the limits, in user-perceived characters."""

    name: ClassVar[str] = "length"
    min_chars: int = 1
    max_chars: int = 1000

    def check(self, message: Inspection, history: History) -> Verdict:
        body = message.candidate.body
        # A grapheme holds at least one code point, so len() settles most cases
        # without segmenting the text.
        too_long_possible = len(body) > self.max_chars
        too_short_possible = self.min_chars > 1 or not body
        if not (too_long_possible or too_short_possible):
            return APPROVED
        if too_long_possible:
            count = grapheme_count(body)
        else:  # only "too short" is possible: segmenting the first few graphemes settles it
            count = sum(1 for _ in itertools.islice(graphemes(body), self.min_chars))
        if count < self.min_chars:
            return Verdict(
                Action.REJECT, "too_short", f"Write at least {self.min_chars} characters."
            )
        if count > self.max_chars:
            return Verdict(
                Action.REJECT,
                "too_long",
                f"Keep the message to {self.max_chars} characters (it has {count}).",
            )
        return APPROVED


@functools.lru_cache(maxsize=64)
def _term_patterns(
    terms: tuple[str, ...], min_squashed_length: int
) -> tuple[re.Pattern[str] | None, re.Pattern[str] | None]:
    """The whole-word and squashed patterns of a term list (cached: a wall's policy is
    built for every message it receives, and its list rarely changes)."""
    forms = sorted({matching_form(t) for t in terms} - {""}, key=len, reverse=True)
    words = "|".join(re.escape(f) for f in forms)
    word = re.compile(rf"(?<!\w)(?:{words})(?!\w)") if forms else None
    squashed = sorted(
        {s for f in forms if len(s := similarity.squash(f)) >= min_squashed_length},
        key=len,
        reverse=True,
    )
    pattern = "|".join(re.escape(s) for s in squashed)
    return word, re.compile(pattern) if squashed else None


@dataclass(frozen=True)
class BannedTermsRule(Rule):
    """Catch listed terms, even when spelt with look-alike letters, accents or invisible characters.

    A term found as a whole word gets ``action``; a term found only once spaces
    and punctuation are removed ("s.l.u.r") is held, since that also matches
    innocent words that merely contain the term.
    """

    name: ClassVar[str] = "banned_terms"
    terms: tuple[str, ...] = ()
    action: Action = Action.REJECT
    #: Terms shorter than this are not searched inside squashed text (too many false hits).
    min_squashed_length: int = 4

    def __post_init__(self) -> None:
        word, squashed = _term_patterns(tuple(self.terms), self.min_squashed_length)
        object.__setattr__(self, "_word", word)
        object.__setattr__(self, "_squashed", squashed)

    def check(self, message: Inspection, history: History) -> Verdict:
        word: re.Pattern[str] | None = self.__dict__["_word"]
        if word is not None and word.search(message.matching):
            return Verdict(
                self.action, "banned_term", "The message contains a term this wall does not allow."
            )
        squashed: re.Pattern[str] | None = self.__dict__["_squashed"]
        if squashed is not None and squashed.search(message.squashed):
            return Verdict(
                Action.HOLD,
                "banned_term_obfuscated",
                "The message may contain a disguised term this wall does not allow.",
            )
        return APPROVED


@dataclass(frozen=True)
class LinkRule(Rule):
    """Hold (or reject) messages with more links than allowed; spam needs links."""

    name: ClassVar[str] = "links"
    max_links: int = 2
    action: Action = Action.HOLD

    def check(self, message: Inspection, history: History) -> Verdict:
        if message.candidate.link_count <= self.max_links:
            return APPROVED
        return Verdict(
            self.action, "too_many_links", f"The message has more than {self.max_links} links."
        )


@dataclass(frozen=True)
class DuplicateRule(Rule):
    """Catch the same text posted again within ``window_minutes``.

    The same client repeating itself is rejected; the same text from another
    client is held (a supporter may copy a suggested message, a bot army also
    does); a near-duplicate above ``similarity`` is held.
    """

    name: ClassVar[str] = "duplicate"
    window_minutes: int = 60
    similarity: float = 0.8
    same_client_action: Action = Action.REJECT
    other_client_action: Action = Action.HOLD

    def check(self, message: Inspection, history: History) -> Verdict:
        since = message.candidate.submitted_at - dt.timedelta(minutes=self.window_minutes)
        fingerprint = message.candidate.fingerprint
        if fingerprint and history.count_digest(message.digest, since, fingerprint=fingerprint):
            return Verdict(
                self.same_client_action, "duplicate", "You have already posted this message."
            )
        if history.count_digest(message.digest, since):
            return Verdict(
                self.other_client_action,
                "duplicate_other_client",
                "The same message was just posted.",
            )
        if history.has_similar(message, since, self.similarity):
            return Verdict(Action.HOLD, "near_duplicate", "A very similar message was just posted.")
        return APPROVED


@dataclass(frozen=True)
class FloodRule(Rule):
    """Stop one client posting more than ``max_messages`` within ``window_minutes``."""

    name: ClassVar[str] = "flood"
    max_messages: int = 5
    window_minutes: int = 10
    action: Action = Action.REJECT

    def check(self, message: Inspection, history: History) -> Verdict:
        fingerprint = message.candidate.fingerprint
        if not fingerprint:
            return APPROVED
        since = message.candidate.submitted_at - dt.timedelta(minutes=self.window_minutes)
        if history.count_from(fingerprint, since) < self.max_messages:
            return APPROVED
        return Verdict(
            self.action,
            "flood",
            f"You have posted {self.max_messages} messages in {self.window_minutes} minutes; "
            "please wait a little.",
        )


@dataclass(frozen=True)
class ShoutingRule(Rule):
    """Hold messages written mostly in capital letters (scripts without case are unaffected)."""

    name: ClassVar[str] = "shouting"
    min_letters: int = 12
    max_ratio: float = 0.7
    action: Action = Action.HOLD

    def check(self, message: Inspection, history: History) -> Verdict:
        body = message.candidate.body
        upper = sum(map(str.isupper, body))
        lower = sum(map(str.islower, body))
        cased = upper + lower
        if cased >= self.min_letters and upper / cased > self.max_ratio:
            return Verdict(self.action, "shouting", "Please do not write in capital letters.")
        return APPROVED


RULES: dict[str, type[Rule]] = {
    rule.name: rule
    for rule in (
        EmptyRule,
        LengthRule,
        BannedTermsRule,
        LinkRule,
        DuplicateRule,
        FloodRule,
        ShoutingRule,
    )
}


def _rule_from_dict(entry: Mapping[str, Any], position: int) -> Rule:
    if not isinstance(entry, Mapping) or "rule" not in entry:
        raise PolicyConfigError(f"Rule {position} must be a table with a 'rule' key.")
    name = entry["rule"]
    cls = RULES.get(name)
    if cls is None:
        raise PolicyConfigError(
            f"Rule {position}: unknown rule {name!r}; known rules are {', '.join(sorted(RULES))}."
        )
    allowed = {f.name: f for f in fields(cls)}  # type: ignore[arg-type]
    kwargs: dict[str, Any] = {}
    for key, value in entry.items():
        if key == "rule":
            continue
        if key not in allowed:
            raise PolicyConfigError(
                f"Rule {position} ({name}): unknown setting {key!r}; "
                f"settings are {', '.join(sorted(allowed)) or 'none'}."
            )
        default = allowed[key].default
        where = f"Rule {position} ({name}) setting {key!r}"
        if isinstance(default, Action):
            value = _action(value, where)
        elif isinstance(default, tuple):
            if isinstance(value, str) or not all(isinstance(v, str) for v in value):
                raise PolicyConfigError(f"{where} must be a list of strings.")
            value = tuple(value)
        elif isinstance(default, bool | int | float) and not (
            isinstance(value, int | float) and not isinstance(value, bool) and value >= 0
        ):
            raise PolicyConfigError(f"{where} must be a number of at least 0, not {value!r}.")
        kwargs[key] = value
    return cls(**kwargs)


@dataclass(frozen=True, slots=True)
class Decision:
    """The policy's outcome: the strictest action and every verdict that was not an approval."""

    action: Action
    verdicts: tuple[Verdict, ...] = ()

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(v.code for v in self.verdicts)

    @property
    def message(self) -> str:
        """The sentence to show the sender, from the first verdict with the final action."""
        return next((v.message for v in self.verdicts if v.action is self.action), "")


@dataclass(frozen=True, slots=True)
class Policy:
    """An ordered tuple of rules. The first rejection ends the evaluation."""

    rules: tuple[Rule, ...]

    def __init__(self, rules: Iterable[Rule]) -> None:
        object.__setattr__(self, "rules", tuple(rules))

    @classmethod
    def default(cls, banned_terms: Iterable[str] = ()) -> Policy:
        """A sensible starting policy for a public wall."""
        return cls(
            [
                EmptyRule(),
                LengthRule(),
                BannedTermsRule(terms=tuple(banned_terms)),
                LinkRule(),
                FloodRule(),
                DuplicateRule(),
                ShoutingRule(),
            ]
        )

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Policy:
        """Build a policy from ``{"rules": [{"rule": "links", "max_links": 1}, ...]}``."""
        rules = data.get("rules") if isinstance(data, Mapping) else None
        if not isinstance(rules, list):
            raise PolicyConfigError("A policy needs a 'rules' list.")
        return cls(_rule_from_dict(entry, n) for n, entry in enumerate(rules, start=1))

    @classmethod
    def from_toml(cls, text: str) -> Policy:
        """Build a policy from TOML with one ``[[rules]]`` table per rule."""
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise PolicyConfigError(f"The policy is not valid TOML: {exc}") from exc
        return cls.from_dict(data)

    def to_dict(self) -> dict[str, Any]:
        return {"rules": [rule.to_dict() for rule in self.rules]}

    def evaluate(self, candidate: Candidate, history: History) -> Decision:
        """Run the rules over ``candidate`` and combine their verdicts."""
        return self.inspect(Inspection(candidate), history)

    def inspect(self, message: Inspection, history: History) -> Decision:
        """Like :meth:`evaluate`, for an :class:`Inspection` the caller keeps (for its digest)."""
        found: list[Verdict] = []
        action = Action.APPROVE
        for rule in self.rules:
            verdict = rule.check(message, history)
            if verdict.action is Action.APPROVE:
                continue
            found.append(verdict)
            if verdict.action.severity > action.severity:
                action = verdict.action
            if action is Action.REJECT:
                break
        return Decision(action, tuple(found))
