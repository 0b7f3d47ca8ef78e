"""backend-skill: backend-service best practice where coding agents work."""

__version__ = "0.1.0"
