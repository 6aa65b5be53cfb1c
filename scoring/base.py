"""Declarative description of a clinical score, and the one engine that computes every score.

A score is data: ordered items (each with its choices, or a numeric range cut into point bands),
and bands of totals with their meaning. `Score.compute()` validates the raw inputs, adds the points
and finds the band; `Score.validate()` reports every bad or missing item at once, for forms.
Definitions and the naming contract: ../shared/clinical/scores.md.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

from .i18n import gettext

KINDS = ("choice", "integer", "number", "boolean")
SEVERITIES = ("low", "moderate", "high")  # shown green, amber, red


class ScoreInputError(ValueError):
    """Bad input to a score, a formula or a rule: the message names the item and the allowed values.

    `item` is the slug of the (first) bad item, `detail` the message without the item's slug (to show
    beside a form field) and `errors` maps every bad item to its detail. A plain
    `ScoreInputError("message")` also works.
    """

    def __init__(self, message, *, item=None, detail=None, errors=None):
        super().__init__(message)
        self.item = item
        self.detail = str(message) if detail is None else detail
        self.errors = dict(errors) if errors else ({item: self.detail} if item else {})


def prefixed(item: str, detail: str) -> str:
    """An error message naming its item: "karnofsky: 45 is not allowed; ..."."""
    return gettext("%(item)s: %(detail)s") % {"item": item, "detail": detail}


def input_error(item: str, detail: str) -> ScoreInputError:
    """A ScoreInputError for one item, its message prefixed with the item's slug."""
    return ScoreInputError(prefixed(item, detail), item=item, detail=detail)


def describe(value: Any) -> str:
    """The offending value as it appears in an error message: its repr, shortened."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def not_allowed(value: Any, expected: str) -> str:
    return gettext("%(value)s is not allowed; expected %(expected)s") % {
        "value": describe(value),
        "expected": expected,
    }


@dataclass(frozen=True)
class Choice:
    """One answer to an item: its slug (a str, or True/False for a boolean item), label and points."""

    value: str | bool
    label: Any
    points: int


@dataclass(frozen=True)
class Cutoff:
    """Points of a numeric item: a value up to `up_to` inclusive (None: no upper limit) scores `points`.

    An item's cutoffs are in increasing order; the first whose `up_to` is reached applies.
    """

    up_to: int | float | None
    points: int
    label: Any = ""


@dataclass(frozen=True)
class Item:
    """One input of a score. `kind` is "choice", "integer", "number" or "boolean".

    Choice and boolean items score through `choices` (for a boolean item
    `(Choice(True, ...), Choice(False, ...))`); integer and number items through `cutoffs`, within
    `min_value`…`max_value` (None: unbounded) and, for an integer, by `step` from `min_value`.
    """

    slug: str
    label: Any
    kind: str
    choices: tuple[Choice, ...] = ()
    min_value: int | float | None = None
    max_value: int | float | None = None
    step: int | None = None
    help_text: Any = ""
    cutoffs: tuple[Cutoff, ...] = ()

    def __post_init__(self):
        if self.kind not in KINDS:
            raise ValueError(f"{self.slug}: unknown kind {self.kind!r}")
        if self.kind in ("choice", "boolean"):
            if not self.choices or self.cutoffs:
                raise ValueError(f"{self.slug}: a {self.kind} item has choices and no cutoffs")
            if self.kind == "boolean" and tuple(c.value for c in self.choices) != (True, False):
                raise ValueError(f"{self.slug}: a boolean item's choices are (True, False)")
            if self.kind == "choice" and not all(isinstance(c.value, str) for c in self.choices):
                raise ValueError(f"{self.slug}: choice values are slugs (str)")
            if len({c.value for c in self.choices}) != len(self.choices):
                raise ValueError(f"{self.slug}: duplicate choice")
        else:
            if (
                self.choices
                or not self.cutoffs
                or self.cutoffs[-1].up_to is not None
                or self.min_value is None
            ):
                raise ValueError(
                    f"{self.slug}: a numeric item has a minimum and cutoffs, the last one open-ended"
                )
            if self.step is not None and (self.kind != "integer" or self.max_value is None):
                raise ValueError(f"{self.slug}: a step needs an integer item with both bounds")

    @property
    def values(self) -> tuple:
        """The accepted values of a choice or boolean item, in order."""
        return tuple(c.value for c in self.choices)

    def choice(self, value) -> Choice:
        for c in self.choices:
            if c.value is value or (isinstance(value, str) and c.value == value):
                return c
        raise KeyError(value)

    def expected(self) -> str:
        """What the item accepts, in words, for error messages."""
        if self.kind == "boolean":
            return gettext("True or False")
        if self.kind == "choice":
            return gettext("one of %(values)s") % {"values": ", ".join(self.values)}
        bounds = {"min": self.min_value, "max": self.max_value, "step": self.step}
        if self.step is not None:
            return gettext("a multiple of %(step)s from %(min)s to %(max)s") % bounds
        if self.kind == "integer":
            if self.max_value is None:
                return gettext("an integer ≥ %(min)s") % bounds
            return gettext("an integer from %(min)s to %(max)s") % bounds
        if self.max_value is None:
            return gettext("a number ≥ %(min)s") % bounds
        return gettext("a number from %(min)s to %(max)s") % bounds

    def _accepts(self, value) -> bool:
        if self.kind == "boolean":
            return value is True or value is False
        if self.kind == "choice":
            return isinstance(value, str) and value in self.values
        if isinstance(value, bool):
            return False
        if self.kind == "integer" and not isinstance(value, int):
            return False
        if self.kind == "number" and not (isinstance(value, int | float) and math.isfinite(value)):
            return False
        if self.min_value is not None and value < self.min_value:
            return False
        if self.max_value is not None and value > self.max_value:
            return False
        return self.step is None or (value - self.min_value) % self.step == 0

    def clean(self, value):
        """Return `value` if this item accepts it (exact types: a bool is not an integer, "true" is
        not a boolean), else raise ScoreInputError naming the item and what it accepts."""
        if value is None:
            raise input_error(
                self.slug, gettext("missing; expected %(expected)s") % {"expected": self.expected()}
            )
        if not self._accepts(value):
            raise input_error(self.slug, not_allowed(value, self.expected()))
        return value

    def points(self, value) -> int:
        """Points of a value already cleaned by `clean()`."""
        if self.cutoffs:
            return next(c.points for c in self.cutoffs if c.up_to is None or value <= c.up_to)
        return self.choice(value).points

    @property
    def min_points(self) -> int:
        return min(c.points for c in self.choices or self.cutoffs)

    @property
    def max_points(self) -> int:
        return max(c.points for c in self.choices or self.cutoffs)


@dataclass(frozen=True)
class Band:
    """A band of totals, `low`…`high` inclusive, or for a classification the `grades` it groups
    (with `low` and `high` None). `interpretation` says what the band means and what to do."""

    slug: str
    label: Any
    low: int | None
    high: int | None
    severity: str
    interpretation: Any
    grades: tuple[str, ...] = ()

    def __post_init__(self):
        if self.severity not in SEVERITIES:
            raise ValueError(f"{self.slug}: unknown severity {self.severity!r}")


@dataclass(frozen=True)
class Correction:
    """Where the guideline's printed table of a score is wrong, and how the score is computed instead
    (scores.md, "Known errors in the source tables"). Shown wherever a result of the score appears, so
    that a reader holding the printed table knows why a total differs from it."""

    source: str  # the guideline section whose table errs: "OncoBFC/NEON/ONCORIF 2021 §3.8.3"
    text: Any


@dataclass(frozen=True)
class Result:
    """A computed score: the total (None for a classification), its band and the points per item."""

    score: Score
    total: int | None
    band: str
    band_label: Any
    severity: str
    points: dict[str, int]
    interpretation: Any
    inputs: dict[str, Any]

    def snapshot(self) -> dict:
        """What to store with an assessment: plain JSON values, with the score's version."""
        return {
            "score": self.score.slug,
            "version": self.score.version,
            "inputs": dict(self.inputs),
            "points": dict(self.points),
            "total": self.total,
            "band": self.band,
        }


@dataclass(frozen=True, kw_only=True, eq=False)
class Score:
    """A clinical score, declared as data. A classification (Bilsky) has one choice item, bands
    that list its `grades`, no points and a total of None. `notes` explain the score; `corrections` say
    where the guideline's printed table of it errs."""

    slug: str
    version: str
    reference: str
    name: Any
    items: tuple[Item, ...]
    bands: tuple[Band, ...]
    guideline: str = ""
    notes: tuple = ()
    corrections: tuple[Correction, ...] = ()

    def __post_init__(self):
        slugs = [i.slug for i in self.items]
        if len(set(slugs)) != len(slugs) or len({b.slug for b in self.bands}) != len(self.bands):
            raise ValueError(f"{self.slug}: duplicate item or band slug")
        if self.is_classification:
            (item,) = self.items
            grades = [g for b in self.bands for g in b.grades]
            if item.kind != "choice" or sorted(grades) != sorted(item.values):
                raise ValueError(f"{self.slug}: the bands must group every grade once")
        else:
            edges = [(b.low, b.high) for b in self.bands]
            expected_low = self.min_total
            for low, high in edges:
                if low != expected_low or high < low:
                    raise ValueError(f"{self.slug}: the bands must cover the totals without gap or overlap")
                expected_low = high + 1
            if expected_low != self.max_total + 1:
                raise ValueError(f"{self.slug}: the bands must end at the highest total {self.max_total}")

    @property
    def is_classification(self) -> bool:
        return all(b.low is None and b.high is None for b in self.bands)

    @property
    def min_total(self) -> int | None:
        return None if self.is_classification else sum(i.min_points for i in self.items)

    @property
    def max_total(self) -> int | None:
        return None if self.is_classification else sum(i.max_points for i in self.items)

    def item(self, slug: str) -> Item:
        """The item with this slug; KeyError if there is none."""
        for item in self.items:
            if item.slug == slug:
                return item
        raise KeyError(slug)

    def band(self, slug: str) -> Band:
        """The band with this slug; KeyError if there is none."""
        for band in self.bands:
            if band.slug == slug:
                return band
        raise KeyError(slug)

    def validate(self, inputs: dict) -> dict[str, str]:
        """Every bad, missing (absent or None) or unknown item at once: {item slug: message}. The
        messages do not repeat the slug (they go beside the field); empty when the inputs are valid."""
        errors = {}
        for item in self.items:
            try:
                item.clean(inputs.get(item.slug))
            except ScoreInputError as exc:
                errors[item.slug] = exc.detail
        known = {item.slug for item in self.items}
        for slug in inputs:
            if slug not in known:
                errors[slug] = gettext("unknown item for %(score)s; expected one of %(items)s") % {
                    "score": self.slug,
                    "items": ", ".join(i.slug for i in self.items),
                }
        return errors

    def clean(self, inputs: dict) -> dict[str, Any]:
        """The inputs, checked, in item order; ScoreInputError lists every problem."""
        errors = self.validate(inputs)
        if errors:
            message = "\n".join(prefixed(item, detail) for item, detail in errors.items())
            raise ScoreInputError(message, item=next(iter(errors)), errors=errors)
        return {item.slug: inputs[item.slug] for item in self.items}

    def compute(self, **inputs) -> Result:
        """Score the inputs (one keyword per item slug); ScoreInputError for a missing, unknown or
        bad item."""
        cleaned = self.clean(inputs)
        if self.is_classification:
            (item,) = self.items
            band = next(b for b in self.bands if cleaned[item.slug] in b.grades)
            total, points = None, {}
        else:
            points = {item.slug: item.points(cleaned[item.slug]) for item in self.items}
            total = sum(points.values())
            band = next(b for b in self.bands if b.low <= total <= b.high)
        return Result(
            score=self,
            total=total,
            band=band.slug,
            band_label=band.label,
            severity=band.severity,
            points=points,
            interpretation=band.interpretation,
            inputs=cleaned,
        )

    def __str__(self) -> str:
        return str(self.name)
