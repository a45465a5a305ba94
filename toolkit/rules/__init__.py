"""The rule families and their registry: a literal, read top to bottom."""

from __future__ import annotations

from toolkit.rules import anchors, diagrams, formulas, links, math_plugins, questions
from toolkit.rules.base import Page, Rule, RuleFamily

FAMILIES: tuple[RuleFamily, ...] = (anchors, links, formulas, math_plugins, questions, diagrams)
RULES_BY_CODE: dict[str, Rule] = {r.code: r for f in FAMILIES for r in f.RULES}

__all__ = ["FAMILIES", "RULES_BY_CODE", "Page", "Rule", "RuleFamily"]
