"""Clinical scores and formulas, pure Python: no database, no request.

Definitions and naming contract: ../shared/clinical/scores.md. `registry` lists every score;
`formulas` holds the derived values (corrected calcium, clearance, ...); bad input raises
`ScoreInputError`, a ValueError.
"""

from . import registry
from .base import ScoreInputError

__all__ = ["ScoreInputError", "registry"]
