"""Every field of an application checked again when it is stored, whoever submits it.

The form checks each answer as it is typed, but the store is reached through the action server,
and one forged call once stored a confirmed registration with a name starting with ``=HYPERLINK(``,
a 職員番号 ``not-a-number`` and a 5,000-character 志望動機. So :func:`cleaned` runs in
:func:`bot.registrations.store.register` before anything is written: it removes control and bidi
characters (bot.safe_text), then checks every field the form declares (bot.registrations.forms) with
the form's own checker, plus what its kind needs beyond it (no formula or markup characters in a
name, a 職員番号 exactly as the form stores it, nothing for a field whose condition does not hold),
and ids of sane shape. An application with any problem is refused whole.
"""

from __future__ import annotations

import re
from dataclasses import replace

from bot.registrations.forms import CODE, NAME, REGISTRATION, Field
from bot.registrations.model import Application
from bot.safe_text import clean_line, clean_text
from bot.text.normalize import normalize

# Labels as the person knows the fields (the form's own), and the few fields the form does not ask.
LABELS = {
    **{f.key: f.label for f in REGISTRATION.stored_fields},
    "person_id": "利用者",
    "department_id": "所属",
    "channel": "利用者",
}
_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.:-]{0,127}")
_FORMULA_START = ("=", "+", "-", "@")
# Characters no person's or unit's name needs, which spreadsheets, HTML or Markdown would act on.
_NOT_IN_NAMES = set('=<>{}[]\\|"`;*')


class InvalidApplication(ValueError):
    """The application cannot be stored; ``fields`` names what is wrong (keys of :data:`LABELS`)."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {problem}" for field, problem in problems.items()))
        self.problems = problems

    @property
    def labels(self) -> list[str]:
        """The Japanese labels of the fields at fault, each once, in form order."""
        return list(dict.fromkeys(LABELS[field] for field in self.problems))


def _field_problem(field: Field, value: str | None) -> str | None:
    """What is wrong with one declared field's stored value (None: nothing)."""
    checked = REGISTRATION.check(field.slot, value)
    if not checked.ok:
        return checked.problem or "not accepted"
    if field.kind == CODE and checked.value != value:
        return "not as the form stores it"
    plain = normalize(value or "")  # full-width ＝＋－＠ read as their ASCII forms
    if field.kind == NAME and (plain.startswith(_FORMULA_START) or _NOT_IN_NAMES & set(plain)):
        return f"{field.label}に使えない記号が含まれています"
    return None


def problems(application: Application) -> dict[str, str]:
    """What is wrong with each field (empty: the application may be stored). Expects cleaned text."""
    app = application
    found: dict[str, str | None] = {
        "cohort_id": None if _ID.fullmatch(app.cohort_id or "") else "unknown cohort id",
        "person_id": None if app.person_id and len(app.person_id) <= 128 else "missing or too long person id",
    }
    answers = {f.key: getattr(app, f.key) for f in REGISTRATION.stored_fields}
    for field in REGISTRATION.stored_fields:
        value = answers[field.key]
        if field.check is None:  # the cohort, chosen among the catalogue's: its id is checked above
            continue
        if field.applies(answers):
            found[field.key] = _field_problem(field, value)
        elif value is not None:
            found[field.key] = f"only when {field.only_if[0]} is {field.only_if[1]}" if field.only_if else "not asked"
    if app.department_id is not None and not _ID.fullmatch(app.department_id):
        found["department_id"] = "malformed department id"
    if app.channel is not None and not _ID.fullmatch(app.channel):
        found["channel"] = "malformed channel"
    return {field: problem for field, problem in found.items() if problem}


def cleaned(application: Application) -> Application:
    """The application with control and bidi characters removed; InvalidApplication if any field is wrong."""
    app = replace(
        application,
        name=clean_line(application.name),
        department=clean_line(application.department),
        staff_number=clean_line(application.staff_number),
        motivation=clean_text(application.motivation),
        manager_name=clean_line(application.manager_name) if application.manager_name is not None else None,
    )
    wrong = problems(app)
    if wrong:
        raise InvalidApplication(wrong)
    return app
