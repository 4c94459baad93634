"""The programme office's web console (``/office``): cohorts, unanswered questions, feedback, a weekly chart.

| module | one job |
| --- | --- |
| ``config``    | the console's settings (environment variables) |
| ``passwords`` | Argon2id password hashes |
| ``auth``      | logging in and out, login sessions, CSRF tokens |
| ``grouping``  | unanswered questions grouped by similar text |
| ``chart``     | the weekly chart as inline SVG (rendered on the server) |
| ``weekly``    | weekly figures: messages, fallbacks, 👎 rate |
| ``pages``     | what each page shows, read from the databases |
| ``web``       | the Sanic routes and the HTML templates (``templates/``) |
| ``server``    | the console on its own interface/port (``python -m bot office serve``) |
| ``cli``       | ``python -m bot office add-user NAME`` and friends |

The SQL lives in :mod:`bot.state.office`, :mod:`bot.state.unanswered` and :mod:`bot.state.feedback`.
"""
