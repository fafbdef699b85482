"""Named benchmarks: each prints its figures beside a raw-database baseline measured in the same run."""
