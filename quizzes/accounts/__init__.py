"""Accounts: roles (learner, teacher, admin as groups), the login backend, sign-up, what the navigation shows;
invitations by email, password reset and email change, the mail helper, dates in the viewer's time zone.

May import: nothing of the other domains (every domain may import this one).
"""
