"""Understanding what staff mean: a message and the conversation so far → a structured question.

``reader.understander(catalogue).understand(message, previous, today)`` is the one step; see
docs/understanding.md for the design and how it is measured.
"""
