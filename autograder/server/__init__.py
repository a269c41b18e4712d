"""`nngrade serve`: the submission service (students upload, get feedback in seconds; LTI 1.3).

    config.py      where things live (data folder, database URL), secrets and key pairs
    models.py      the tables: users, tokens, submissions, jobs, outbox, LTI platforms, audit
    db.py          engine, sessions, Alembic migrations (migrations/)
    accounts.py    TA accounts, roster sign-in links, API tokens, who is signed in
    intake.py      an upload → a stored file + a submission row + a job (or a clear refusal)
    jobs.py        the job table: claim atomically, finish once, re-queue after a crash
    grader.py      `-j` grading processes fed by the job table (or a Dask scheduler)
    passback.py    the outbox: each grade posted once to the LMS, retried with back-off
    lti/           LTI 1.3 through pylti1p3: OIDC login, launch, deep linking, JWKS, AGS
    views/         student pages, TA pages, the JSON API
    app.py         create_app(): the Flask app
    command.py     `nngrade serve`
    wsgi.py        `gunicorn 'autograder.server.wsgi:app'`

Student code never runs in the web process: grading happens in the grading
processes, through the same sandboxed engine as `nngrade batch`.
"""
