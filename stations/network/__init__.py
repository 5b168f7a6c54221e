"""Road networks: reach along roads rather than through walls.

A planner's OpenStreetMap extract (``.osm.pbf``) becomes a graph of road segments for one
travel profile (walk, bike, drive; :mod:`~stations.network.profiles`), stored in the
registry's database (:mod:`~stations.network.store`). On it, one multi-source
shortest-path pass gives every node its nearest station and the road distance or travel
time to it (:mod:`~stations.network.field`), kept current incrementally as stations
change; from that come network coverage (roads within reach, buffered:
:mod:`~stations.network.cover`), road distances of nearest results
(:mod:`~stations.network.nearest`) and reach for siting.

Everything travels from the place to the station: a rider walks *to* the station, a
truck drives *to* the driver home, one-way streets taken the right way.

May import: ``stations.core``, ``stations.store``, ``stations.search`` (nearest results),
``geodata``.
"""
