"""Feature packages, one blueprint each (registered in app.py)."""
