"""The outbreak: a metapopulation SEIR over the cities (or a census the analyst supplies), the
care pathway, response levels and travel between the cities."""
