"""Registrations of interest in training cohorts, kept in the state database (``var/manabi.sqlite``).

| module | one job |
| --- | --- |
| ``model``   | the shapes: an application, a stored registration, its status label |
| ``forms``   | each form declared once: its fields, in order, with question, checker, summary label, condition |
| ``fields``  | reading and checking the form's answers (name, 所属, 職員番号, 志望動機 …) |
| ``introduction`` | the name and 所属 a message gives as the writer's own (「市民課の田中一郎です」) |
| ``validation`` | every declared field checked again when an application is stored |
| ``store``   | every registration SQL statement: register, cancel + waitlist promotion, lists, deletion, audit |
| ``cohorts`` | whether a cohort takes registrations: catalogue status + deadline + the office's overrides |
| ``export``  | CSV (Japanese Excel) and JSON exports and the office summary |
| ``conversations`` | deleting a person's conversation from Rasa's tracker store (data deletion) |
| ``cli``     | ``python -m bot registrations …`` and ``python -m bot unanswered export`` |
"""
