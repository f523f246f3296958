"""One module per command that is not on the fast path; loaded lazily by segdsl.cli."""
