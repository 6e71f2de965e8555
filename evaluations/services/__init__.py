"""Every change to evaluations: indicators and their targets, reporting periods and values."""
