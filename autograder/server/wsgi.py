"""The app for a production WSGI server:

    NNGRADE_DATA=/srv/nngrade gunicorn -w 4 -b 127.0.0.1:8000 'autograder.server.wsgi:app'

Settings come from the environment: NNGRADE_DATA (default ./nngrade-data),
NNGRADE_DATABASE_URL (default SQLite in the data folder), NNGRADE_BEHIND_PROXY=1
behind nginx. Grading runs beside it: `nngrade serve --grade-only` with the same
data folder and database.
"""
from __future__ import annotations

import os

from autograder.server.app import create_app
from autograder.server.config import ServerConfig

app = create_app(ServerConfig(os.environ.get("NNGRADE_DATA", "nngrade-data"),
                              os.environ.get("NNGRADE_DATABASE_URL", ""),
                              behind_proxy=os.environ.get("NNGRADE_BEHIND_PROXY") == "1"))
