"""Accounts: users and their roles (who may do what), password hashing and bearer tokens.

May import: ``stations.core``, ``stations.store``.
"""
