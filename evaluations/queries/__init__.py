"""Read-side queries of the evaluation pages: a fixed number of queries per page."""
