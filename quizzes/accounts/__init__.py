"""Accounts: roles (learner, teacher, admin as groups), the login backend, sign-up, what the navigation shows.

May import: nothing of the other domains (every domain may import this one).
"""
