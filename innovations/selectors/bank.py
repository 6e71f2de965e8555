"""Reads for the knowledge bank (being written in this session)."""


def innovation_bank_context(user, innovation) -> dict:
    """What the innovation page shows of its life in the bank."""
    return {}
