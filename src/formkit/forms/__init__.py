"""The forms core: a form file in, a checked immutable model out; answers validated.

Plain Python: no web, database or disk code but reading the form files themselves.
"""
