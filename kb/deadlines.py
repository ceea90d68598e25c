"""``kb.deadlines.extract_deadlines``: the name ``../shared/eval/score.py`` imports.

The rules live in ``kb.policy.deadlines``; this module keeps the scorer's import path stable.
"""

from kb.policy.deadlines import extract_deadlines

__all__ = ["extract_deadlines"]
