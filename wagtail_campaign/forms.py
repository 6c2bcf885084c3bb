"""Admin forms: data series with row checks, and CSV import."""

from __future__ import annotations

import functools
import time
from typing import Any

from django import forms
from django.core import signing
from django.core.exceptions import ValidationError
from django.utils.choices import BaseChoiceIterator
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from ahmadi_campaign import charts

from . import settings as plugin_settings

#: Largest CSV file accepted for import (a series of a few thousand rows fits easily).
MAX_CSV_BYTES = 512 * 1024


class DataSeriesForm(WagtailAdminModelForm):
    """Rejects two points with the same label, which a chart could not tell apart."""

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        seen: set[str] = set()
        for form in self.formsets["points"].forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            label = (form.cleaned_data.get("label") or "").strip()
            if label in seen:
                form.add_error("label", _("Another point already has this label."))
            seen.add(label)
        return cleaned


class CSVImportForm(forms.Form):
    """Upload a file or paste CSV text; either way the rows are checked before anything changes."""

    file = forms.FileField(
        label=_("CSV file"),
        required=False,
        help_text=_("Columns: label (or year), value, and optionally note and source_url."),
    )
    text = forms.CharField(
        label=_("or paste CSV"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 10, "dir": "auto"}),
    )

    def clean(self) -> dict[str, Any]:
        cleaned: dict[str, Any] = super().clean()
        upload = cleaned.get("file")
        text = cleaned.get("text") or ""
        if upload is not None:
            if upload.size > MAX_CSV_BYTES:
                raise ValidationError(
                    _("The file is too large (at most %(size)d KB).")
                    % {"size": MAX_CSV_BYTES // 1024}
                )
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                raise ValidationError(
                    _("The file must be UTF-8 text (save it as CSV UTF-8).")
                ) from None
        if not text.strip():
            raise ValidationError(_("Choose a CSV file or paste CSV text."))
        try:
            cleaned["points"] = charts.parse_csv(text)
        except charts.InvalidSeries as exc:
            for message in getattr(exc, "errors", None) or [str(exc)]:
                self.add_error(None, message)
        return cleaned


# ---------------------------------------------------------------- the visitor's form

#: A form older than this must be reloaded (its token has expired).
MAX_FORM_AGE = 24 * 3600
_TOKEN_SALT = "wagtail_campaign.message-form"  # noqa: S105 - a signing salt, not a secret
#: CLDR region codes that are not countries.
_NOT_COUNTRIES = {"EU", "EZ", "QO", "UN", "ZZ", "XA", "XB", "XK"}


@functools.lru_cache(maxsize=32)
def country_choices(language: str) -> list[tuple[str, str]]:
    """ISO 3166 codes with their names in ``language`` (CLDR, via babel), sorted by name."""
    from babel import Locale, UnknownLocaleError

    try:
        locale = Locale.parse(language.replace("-", "_"))
    except (UnknownLocaleError, ValueError):
        locale = Locale("en")
    names = {
        code: name
        for code, name in locale.territories.items()
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    }
    return sorted(names.items(), key=lambda item: item[1])


class _NormalChoices(BaseChoiceIterator):
    """Choices already in Django's normal form, which a field takes as they are: a list
    would be normalised again, item by item, for every form (0.6 ms of each post)."""

    def __init__(self, choices: list[tuple[str, Any]]) -> None:
        self.choices = tuple(choices)

    def __iter__(self) -> Any:
        return iter(self.choices)


@functools.lru_cache(maxsize=32)
def _country_field_choices(language: str) -> _NormalChoices:
    return _NormalChoices([("", _("Prefer not to say")), *country_choices(language)])


def form_token(wall_id: int) -> str:
    """A signed, timestamped token: proves the form came from us and when it was loaded."""
    return signing.TimestampSigner(salt=_TOKEN_SALT).sign(str(wall_id))


class MessageForm(forms.Form):
    """A visitor's message. Works without JavaScript; every error is shown beside its field."""

    display_name = forms.CharField(
        label=_("Your name (optional)"),
        max_length=80,
        required=False,
        help_text=_("Shown with your message. You can leave it empty or use a nickname."),
        widget=forms.TextInput(attrs={"autocomplete": "nickname", "dir": "auto"}),
    )
    country = forms.ChoiceField(label=_("Where you are writing from (optional)"), required=False)
    kind = forms.ChoiceField(label=_("Your message is"), widget=forms.RadioSelect)
    body = forms.CharField(
        label=_("Message"),
        widget=forms.Textarea(attrs={"rows": 5, "dir": "auto"}),
        help_text=_("Up to 1000 characters. Links are allowed but may be reviewed first."),
        error_messages={"required": _("Write your message.")},
    )
    # Honeypot: hidden from people (CSS and aria-hidden), filled by naive bots.
    website = forms.CharField(label=_("Leave this field empty"), required=False)
    token = forms.CharField(widget=forms.HiddenInput)

    def __init__(self, *args: Any, wall: Any, language: str = "en", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.wall = wall
        self.fields["kind"].choices = wall.kind_choices()
        if len(self.fields["kind"].choices) == 1:
            self.fields["kind"].initial = self.fields["kind"].choices[0][0]
        self.fields["country"].choices = _country_field_choices(language)
        self.fields["website"].widget.attrs.update({"tabindex": "-1", "autocomplete": "off"})
        if not self.is_bound:
            self.initial["token"] = form_token(wall.pk)
        #: Why the message must be held for review even if the policy approves it.
        self.review_reasons: list[str] = []
        if getattr(wall, "proof_of_work", False):
            self._add_proof_of_work()

    def _add_proof_of_work(self) -> None:
        from .proof_of_work import FIELD_NAME, new_challenge

        # Every rendering, a retry after an error included, carries a new puzzle for the
        # script (pow.js) in a data attribute: the page's policy allows no inline script.
        challenge = new_challenge(self.wall.pk)
        self.fields[FIELD_NAME] = forms.CharField(
            required=False, widget=forms.HiddenInput(attrs={"data-wc-pow": challenge.to_json()})
        )

    @property
    def proof_of_work_field(self) -> forms.BoundField | None:
        """The hidden field for the proof-of-work answer, if this wall asks for one."""
        from .proof_of_work import FIELD_NAME

        return self[FIELD_NAME] if FIELD_NAME in self.fields else None

    def clean_altcha(self) -> str:
        from .proof_of_work import FIELD_NAME, check_answer

        payload: str = self.cleaned_data.get(FIELD_NAME, "")
        # The old answer must not come back with the new puzzle of a re-rendered form.
        data = self.data.copy()
        data[self.add_prefix(FIELD_NAME)] = ""
        self.data = data
        try:
            reason = check_answer(payload, self.wall.pk)
        except ValidationError as error:
            # The field is hidden: its error goes above the form, with the visitor's text kept.
            self.add_error(None, error)
            return ""
        if reason:
            self.review_reasons.append(reason)
        return payload

    def clean_body(self) -> str:
        from ahmadi_campaign.errors import TextLengthError
        from ahmadi_campaign.text import check_length, normalize_text

        from .models.wall import MAX_MESSAGE_CHARS

        raw = self.cleaned_data.get("body", "")
        too_long = _("Write between 2 and %(max)d characters.") % {"max": MAX_MESSAGE_CHARS}
        # Far too long to fit once normalised: refuse before spending time on it.
        if len(raw) > MAX_MESSAGE_CHARS * 20:
            raise ValidationError(too_long, code="too_long")
        body = normalize_text(raw)
        try:
            check_length(body, min_graphemes=2, max_graphemes=MAX_MESSAGE_CHARS)
        except TextLengthError:
            raise ValidationError(too_long, code="length") from None
        return body

    def clean_display_name(self) -> str:
        from ahmadi_campaign.text import normalize_text

        return normalize_text(self.cleaned_data.get("display_name", ""), multiline=False)

    def clean_website(self) -> str:
        if self.cleaned_data.get("website"):
            # The field is hidden, so its error goes above the form; emptying it lets a
            # person whose browser filled it in send again.
            data = self.data.copy()
            data[self.add_prefix("website")] = ""
            self.data = data
            self.add_error(
                None,
                ValidationError(
                    _("The form could not be sent. Please check your message and send it again."),
                    code="honeypot",
                ),
            )
        return ""

    def clean_token(self) -> str:
        token = self.cleaned_data.get("token", "")
        signer = signing.TimestampSigner(salt=_TOKEN_SALT)
        try:
            value = signer.unsign(token, max_age=MAX_FORM_AGE)
        except signing.SignatureExpired:
            self._renew_token()
            raise ValidationError(
                _("This form is too old. Please send it again."), code="expired"
            ) from None
        except signing.BadSignature:
            self._renew_token()
            raise ValidationError(_("Please send the form again."), code="bad_token") from None
        if value != str(self.wall.pk):
            self._renew_token()
            raise ValidationError(_("Please send the form again."), code="bad_token")
        age = self._token_age(token)
        if age < plugin_settings.get("MIN_FILL_SECONDS"):
            raise ValidationError(
                _("That was very fast. Please check your message and send it again."),
                code="too_fast",
            )
        return token

    def _renew_token(self) -> None:
        # The re-rendered form carries a fresh token, so the visitor's retry can succeed.
        data = self.data.copy()
        data["token"] = form_token(self.wall.pk)
        self.data = data

    @staticmethod
    def _token_age(token: str) -> float:
        timestamp = token.rsplit(":", 2)[-2]
        sent = signing.b62_decode(timestamp)
        return time.time() - sent
