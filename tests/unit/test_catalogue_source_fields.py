"""source_fields.yml: the fields of the office's files, its own mistakes, and the files' comments."""

import re

import pytest

from bot.catalogue.source_fields import RECORDS, SourceFieldsInvalid, load
from bot.catalogue.sources import SOURCE_FILES
from bot.settings import PROJECT_ROOT

SOURCE = PROJECT_ROOT / "data" / "catalogue"


def test_every_kind_of_row_is_in_a_source_file():
    assert {name for record in RECORDS.values() for name in record.files} == set(SOURCE_FILES)


def header(name):
    """The comment lines a source file starts with: where the office reads what each field means."""
    lines = []
    for line in (SOURCE / name).read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line)
    return "\n".join(lines)


@pytest.mark.parametrize("kind", sorted(RECORDS))
def test_each_source_file_explains_every_field(kind):
    record = RECORDS[kind]
    for name in record.files:
        text = header(name)
        missing = [f.name for f in record.fields if not re.search(rf"(?<![a-z_]){f.name}(?![a-z_])", text)]
        assert not missing, f"data/catalogue/{name}: its opening comment does not explain {missing}"


def test_mistakes_name_the_file_and_line(tmp_path):
    path = tmp_path / "source_fields.yml"
    path.write_text(
        "courses:\n"
        "  files: [courses.yml]\n"
        "  about: one course\n"
        "  fields:\n"
        "    id:     {type: identifer}\n"
        "    name:   {type: text, requird: false}\n"
        "    status: {type: choice}\n"
        "    note:   {type: text, required: false}\n",
        encoding="utf-8",
    )
    with pytest.raises(SourceFieldsInvalid) as raised:
        load(path)
    messages = str(raised.value).splitlines()
    assert messages[0].startswith(f"{path} line 5: courses.id: unknown type 'identifer' (known: identifier, ")
    assert messages[1:] == [
        f"{path} line 6: courses.name: unknown key 'requird' (known: required, type, values)",
        f"{path} line 7: courses.status: a choice needs values: [a, b, …]",
    ]


def test_types_become_parsers():
    fields = {field.name: field for field in RECORDS["cohorts"].fields}
    assert fields["status"].parse("open") == "open"
    assert fields["fiscal_year"].required
    assert not {field.name: field for field in RECORDS["sessions"].fields}["venue"].required
