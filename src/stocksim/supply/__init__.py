"""The stock: demand, the reserve rule, lots and expiry, procurement, transfers, and the day loop
that drives them for a batch of replications.

Axis order. Arrays in this package are indexed in this order, and the shapes in docstrings use
these letters:

    R  replications of the batch
    H  days of the horizon, counted from 0
    L  locations: the cities, then the depots
    C  cities (the first C locations)
    I  items
    S  suppliers
    B  buyers at the suppliers: the L locations, then the other buyers, then the joint centre
    K  expiry buckets: the days within the horizon on which lots expire, earliest first
    W  open order cohorts: the days on which the open orders were placed, oldest first
    T  whole days on the road, 0 to the longest trip

A few arrays put one axis first so that a day or a cohort is one contiguous block: the lead
times (H, R, S, C, I), the suppliers' open orders (W, R, S, B, I) and the goods on the road to
the buyers (a ring of arrival days, R, B, I).
"""
