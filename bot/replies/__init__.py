"""Japanese answers built from catalogue rows: pure functions, no Rasa, easy to test."""
