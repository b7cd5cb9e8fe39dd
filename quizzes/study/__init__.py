"""Study: a learner's cards and their FSRS schedule, the review flow, the review log (export, import, fitting,
evaluation), study settings and progress statistics.

May import: bank, accounts. Never quizzing or teaching (a quiz answer reaches the scheduler by calling it).
"""
