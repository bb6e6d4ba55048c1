"""The outbreak: a metapopulation SEIR over the cities (or a census the analyst supplies), the
care pathway, response levels and travel between the cities.

Axis order. Every array in this package is indexed in one order:

    R  replications of the batch (position in ``BatchParams.replications``)
    H  days, counted from 0 (H+1 where a value is kept at the start of each day and after the last)
    C  cities, in the scenario's order

then, where an array has one, a last axis of
    compartments  S, E, I, R (``outcome.COMPARTMENTS``)
    severities    mild, severe, icu (``scenario.schema.SEVERITIES``; ``outcome.MILD`` ...)
    levels        L+1 rows of a ``LevelTable``, row 0 = no level in force (tables shaped (R, L+1))

So ``compartments[r, t, c, k]`` is compartment k of city c at the end of day t in replication r.
Shapes in the docstrings use these letters. One exception, inside the deterministic kernel only:
its state is (6, C, R), replications innermost, so that one sweep over the cities serves every
replication (``seir._rk4``).
"""
