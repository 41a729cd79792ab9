"""Back-office screens for copyright complaints (imported by editorial/admin.py)."""
