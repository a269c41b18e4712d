"""LTI 1.3 through pylti1p3: the tool's configuration, launch storage, routes and grade passback.

    tool.py     ToolConfDict from the registered platforms and the tool's key pair;
                launch data, states and nonces in the database (a nonce works once)
    views.py    /lti/login, /lti/launch, /lti/deep_link, /lti/jwks, /lti/config.json
"""
