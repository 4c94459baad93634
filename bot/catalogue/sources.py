"""Read the office-editable YAML files under ``data/catalogue/``, remembering where each row is.

Every mapping comes back as a :class:`Row` that knows its file and line, so validation errors can
point the programme office at the exact place to fix.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml


class Row(dict):
    """A YAML mapping plus the file and line it starts on."""

    file: str = ""
    line: int = 0

    def where(self) -> str:
        return f"{self.file} {self.line}行目"


class _LineLoader(yaml.SafeLoader):
    """SafeLoader whose mappings are :class:`Row` objects carrying their line number."""

    source_name = ""


def _construct_row(loader: _LineLoader, node: yaml.MappingNode) -> Row:
    row = Row(loader.construct_mapping(node, deep=True))
    row.file = loader.source_name
    row.line = node.start_mark.line + 1
    return row


# A folded scalar (``>-``) joins its lines with a space, which in Japanese text is a stray space in
# the middle of a sentence (「ツールの習得だけでなく、 市民目線」). Between two non-ASCII characters
# the office never means one, so the fold joins them directly there.
_FOLD_SPACE = re.compile(r"(?<=[^\x00-\x7f]) (?=[^\x00-\x7f])")


def _construct_str(loader: _LineLoader, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    return _FOLD_SPACE.sub("", value) if node.style == ">" else value


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_row)
_LineLoader.add_constructor("tag:yaml.org,2002:str", _construct_str)
# Dates stay strings here: PyYAML would raise a bare ValueError on 2026-13-01, losing the line.
# bot.catalogue.fields.date checks them with the row's position instead.
_LineLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


class SourceError(Exception):
    """A catalogue source file that cannot be read at all."""


def load_yaml(path: Path, display_name: str) -> Any:
    """Parse one source file; YAML syntax errors become a :class:`SourceError` with the line."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise SourceError(f"{display_name}: 読み込めません（{error.strerror}）") from error
    except UnicodeDecodeError as error:
        raise SourceError(f"{display_name}: UTF-8 で保存してください") from error
    loader = _LineLoader(text)
    loader.source_name = display_name
    try:
        return loader.get_single_data()
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" {mark.line + 1}行目" if mark else ""
        problem = getattr(error, "problem", None) or str(error)
        raise SourceError(f"{display_name}{where}: YAMLの書き方に誤りがあります（{problem}）") from error
    finally:
        loader.dispose()


SOURCE_FILES = (
    "courses.yml",
    "sessions.yml",
    "cohorts.yml",
    "exams.yml",
    "subsidy.yml",
    "study_tips.yml",
    "vocabularies.yml",
    "departments.yml",
    "contacts.yml",
    "question_words.yml",
    "study_advice.yml",
    "not_offered.yml",
)


def load_sources(directory: Path) -> dict[str, Any]:
    """Load every catalogue source file, keyed by file name."""
    sources = {}
    for name in SOURCE_FILES:
        path = directory / name
        display = display_name(path)
        if not path.exists():
            raise SourceError(f"{display}: ファイルがありません")
        sources[name] = load_yaml(path, display)
    return sources


def display_name(path: Path) -> str:
    """``path`` as errors show it: relative to the working directory when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)
