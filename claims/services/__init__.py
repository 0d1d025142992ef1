"""Services: every function that changes the desk's state, called alike by desk views, the API, tasks and commands.

Keyword-only arguments, validation and side effects in one place; reads are QuerySet methods on the models.
"""
