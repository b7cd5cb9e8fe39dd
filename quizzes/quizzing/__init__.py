"""Quizzing: a quiz set's page, attempts and responses, the quiz flow one question at a time, results, retakes.

May import: study, bank, accounts. Never teaching: an attempt for a class assignment reads the assignment's
options and reveal policy through its `assignment` relation (verbs on the Assignment model), not by importing it.
"""
