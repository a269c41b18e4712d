"""The server's pages and API: pages.py (sign-in, students), ta.py (TAs), api.py (JSON)."""
