"""Backend limits, Retry-After, secrets, [tool.kb.translate] and the glossary file."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest

from tests.translate.conftest import GLOSSARY
from toolkit.config import TranslateConfig, load_config
from toolkit.errors import KbError
from toolkit.retry_after import retry_after
from toolkit.translate.backends import Backend, BackendSettings, settings_from
from toolkit.translate.glossary import load_glossary
from toolkit.translate.limits import join_chunks, split_text


def test_retry_after_seconds_and_dates() -> None:
    assert retry_after("3") == 3.0
    assert retry_after(None) is None and retry_after("soon") is None
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=30), usegmt=True)
    assert 25 <= (retry_after(later) or 0) <= 30


def test_long_texts_split_at_sentence_ends_outside_placeholders() -> None:
    text = "第一句很长很长。第二句{{0}}也很长！第三句。"
    chunks = split_text(text, 10)
    assert "".join(chunks) == text
    assert all(len(c) <= 10 for c in chunks)
    assert all(c.count("{{") == c.count("}}") for c in chunks)
    assert join_chunks(["One.", "Two.", " Three."]) == "One. Two. Three."


def test_keys_come_from_the_environment_only() -> None:
    config = TranslateConfig(api_key_env="MY_KEY", url="http://127.0.0.1:1/")
    settings = settings_from("libre", config, {"MY_KEY": "k1", "KB_TRANSLATE_URL": "http://h/"})
    assert (settings.api_key, settings.url) == ("k1", "http://h/")
    assert settings_from("deepl", TranslateConfig(), {"DEEPL_API_KEY": "k2"}).api_key == "k2"


def test_a_missing_key_is_a_clear_error() -> None:
    with pytest.raises(KbError, match="needs an API key: set DEEPL_API_KEY"):
        Backend(BackendSettings("deepl"))


def test_messages_never_show_the_key() -> None:
    backend = Backend(BackendSettings("libre", url="http://127.0.0.1:9/", api_key="s3cr3t"))
    shown = backend.redact("GET http://127.0.0.1:9/translate?q=x&api_key=s3cr3t failed (s3cr3t)")
    assert "s3cr3t" not in shown and "api_key=***" in shown


def _config(tmp_path: Path, table: str) -> None:
    (tmp_path / "pyproject.toml").write_text(f"[tool.kb.translate]\n{table}\n", encoding="utf-8")
    load_config(path=tmp_path / "pyproject.toml")


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ('api-key = "abc"', "never write API keys in pyproject.toml"),
        ('bakend = "libre"', "unknown key 'bakend'"),
        ("timeout = -1", "'timeout' must be positive"),
        ('languages = ["fr"]', "'languages' takes a non-empty list of en, zh-Hant"),
        ('concurrency = "2"', "'concurrency' must be a int"),
    ],
)
def test_translate_table_is_validated(tmp_path: Path, table: str, message: str) -> None:
    with pytest.raises(KbError, match=message):
        _config(tmp_path, table)


def test_translate_table_values(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[tool.kb.translate]\nbackend = "libre"\nlanguages = ["zh-Hant"]\ntimeout = 5\n',
        encoding="utf-8",
    )
    settings = load_config(path=tmp_path / "pyproject.toml").translate
    assert (settings.backend, settings.languages, settings.timeout) == ("libre", ("zh-Hant",), 5)


def test_the_shipped_glossary_loads() -> None:
    glossary = load_glossary(GLOSSARY)
    assert {"Transformer", "LoRA", "ZeRO"} <= set(glossary.keep)
    assert glossary.english["分组查询注意力"] == "grouped-query attention"
    assert glossary.english["KV Cache"] == "KV cache"  # English writes it in lower case
    assert {"进程", "激活函数", "质量", "优化器"} <= set(glossary.hant)


def test_a_bad_glossary_names_the_file(tmp_path: Path) -> None:
    path = tmp_path / "glossary.toml"
    path.write_text('keep = "Transformer"\n', encoding="utf-8")
    with pytest.raises(KbError, match="glossary.toml: 'keep' must be a list"):
        load_glossary(path)
