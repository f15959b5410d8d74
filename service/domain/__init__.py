"""Plain-Python rules of the service: no Flask, no database session."""
