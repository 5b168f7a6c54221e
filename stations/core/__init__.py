"""Pure pieces with no I/O: vocabulary and filter checks, the Station model, opening
hours, navigation links and the clock (UTC for storage, China time for people).

May import: ``geodata`` and :mod:`stations.errors` only.
"""
