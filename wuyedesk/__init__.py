"""wuyedesk — the desk program of a residential property management office."""

__version__ = "0.1.0"
