"""Lint and translation toolkit for the LLM 面试知识 docsify book."""

__version__ = "0.1.0"
