"""Fuzzing translation segmentation: untranslated segments reassemble the source exactly."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fuzz.conftest import FUZZ
from tests.fuzz.grammar import pages
from toolkit.translate.reassemble import assemble, identity, placeholder_problem
from toolkit.translate.segment import Terms, segment_page

# Only kept terms: a fixed rendering (glossary `fixed`) changes the text by design.
TERMS = Terms(keep=("Transformer", "LoRA", "KV Cache", "注意力"))


@pytest.mark.slow
@FUZZ
@given(text=st.one_of(st.text(max_size=2000), pages()), glossary=st.booleans())
def test_untranslated_segments_reassemble_byte_for_byte(text: str, glossary: bool) -> None:
    text = text.replace("\r\n", "\n").replace("\r", "\n")  # pages are segmented normalised
    page = segment_page(text, TERMS if glossary else None)
    assert assemble(page, identity(page)) == text
    for segment in page.segments:
        assert placeholder_problem(segment, segment.text) is None, segment
