"""Experiments: runs of a scenario's replications (in memory or streamed to disk), where batches
run (this process, local workers, Dask), policy comparisons, campaigns over many scenarios and
sweeps."""
