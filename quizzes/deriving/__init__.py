"""Deriving: questions derived from new texts. `engine/` is the deriver itself (pure functions, no database);
around it, derivation jobs, candidates and the review queue where a teacher or admin accepts or rejects them,
and the benchmark against the bank.

May import: bank, accounts.
"""
