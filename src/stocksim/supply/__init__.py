"""The stock: demand, the reserve rule, lots and expiry, procurement, transfers, and the day loop
that drives them for a batch of replications."""
