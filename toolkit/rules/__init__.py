"""The rule families and their registry: a literal, read top to bottom."""

from __future__ import annotations

from toolkit.rules import anchors, diagrams, formulas, links, math_plugins, questions
from toolkit.rules.base import Page, Rule, RuleFamily, RuleSet

FAMILIES: tuple[RuleFamily, ...] = (anchors, links, formulas, math_plugins, questions, diagrams)

__all__ = ["FAMILIES", "Page", "Rule", "RuleFamily", "RuleSet"]
