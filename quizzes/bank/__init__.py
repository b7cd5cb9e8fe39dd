"""The bank: texts (sources) and their passages, topics, questions and choices, quiz sets; who may see them;
grading an answer; the YAML bank (import, export, the hardened loader) and the question editor's forms.

May import: accounts.
"""
