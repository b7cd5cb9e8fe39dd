"""Teaching: classes and enrolments, assignments and extensions, results, item analysis and CSV exports,
the quiz-set builder and the teachers' question editor; the daily reminders (reviews and assignments due),
the people admin (roles, lockouts, invitations) and the CSV roster of learners.

May import: quizzing, study, bank, accounts. Nothing imports teaching but the modules above every domain
(quizzes/views.py, privacy.py, admin.py).
"""
