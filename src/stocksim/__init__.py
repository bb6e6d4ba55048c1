"""stocksim: a discrete-event simulator of public-health emergency stockpiles.

It answers the questions a "keep at least one month of protective supplies at the upper
limit of daily consumption" rule raises: does each city hold the reserve, how long it lasts
in an outbreak, and what procurement keeps every city supplied.
"""

__version__ = "0.1.0"
