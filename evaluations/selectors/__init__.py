"""Reads about evaluations that pages, exports and dashboards share."""
