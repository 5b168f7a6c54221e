"""Coverage for planners: questions (region, radius, kind), covered area per region,
demand, gaps, suggested sites (MCLP), text reports and the service that caches answers
per registry revision.

May import: ``stations.core``, ``stations.store``, ``stations.search``, ``stations.io``
(demand files), ``geodata``.
"""
