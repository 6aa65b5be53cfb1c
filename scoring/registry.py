"""The registry of clinical scores: the only list of scores in the code.

`from scoring import registry`, then `registry.get("sins")` (the Score; KeyError for an unknown
slug) and `registry.all()` (every Score, in display order).
"""

from . import bilsky, mirels, modified_bauer, rades, sins, tokuhashi, tomita, van_der_linden
from .base import Score

_SCORES: tuple[Score, ...] = (
    mirels.SCORE,
    sins.SCORE,
    tokuhashi.SCORE,
    tomita.SCORE,
    rades.SCORE,
    bilsky.SCORE,
    modified_bauer.SCORE,
    van_der_linden.SCORE,
)
_BY_SLUG = {score.slug: score for score in _SCORES}


def get(slug: str) -> Score:
    """The score with this slug; KeyError if there is none."""
    try:
        return _BY_SLUG[slug]
    except KeyError:
        raise KeyError(f"unknown score {slug!r}; known: {', '.join(_BY_SLUG)}") from None


def all() -> list[Score]:  # noqa: A001 - the contract's name (scores.md)
    """Every score, in display order."""
    return list(_SCORES)


def with_corrections(slugs) -> list[Score]:
    """The scores among `slugs` whose definition corrects the guideline's printed table, each once, in
    display order: what a page that shows results of these scores must explain."""
    shown = set(slugs)
    return [score for score in _SCORES if score.corrections and score.slug in shown]


def slugs() -> list[str]:
    """Every score's slug, in display order (for model choices and URL patterns)."""
    return list(_BY_SLUG)
