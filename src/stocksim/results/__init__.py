"""Results: a batch's arrays as tidy tables, and statistics over replications."""
