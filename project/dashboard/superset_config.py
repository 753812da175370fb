"""Superset settings for the Streamify dashboard (read through SUPERSET_CONFIG_PATH).

Everything Superset keeps lives in SM_SUPERSET_STATE (start.py uses <project>/target/superset):
its metadata database and the secret key made for it on first start. Nothing phones home.
"""
import os

_state = os.environ["SM_SUPERSET_STATE"]

SQLALCHEMY_DATABASE_URI = "sqlite:///" + os.path.join(_state, "superset.db")
_key = os.path.join(_state, "secret_key")
SECRET_KEY = open(_key).read().strip() if os.path.exists(_key) else "migrations-only-no-data-yet"

# A local, single-user demo: no usage analytics, no CSRF token on the login form for scripts,
# and dashboards may be opened by the test browser without a cookie banner or welcome tour.
SCARF_ANALYTICS = False
WTF_CSRF_ENABLED = False
# Superset's pages load a usage pixel from a third party whatever SCARF_ANALYTICS says; a
# content security policy of this origin only keeps the browser from fetching it (and anything
# else from elsewhere: no map tiles, no web fonts).
TALISMAN_ENABLED = True
TALISMAN_CONFIG = {
    "content_security_policy": {
        "base-uri": ["'self'"],
        "default-src": ["'self'"],
        "img-src": ["'self'", "blob:", "data:"],
        "worker-src": ["'self'", "blob:"],
        "connect-src": ["'self'"],
        "object-src": "'none'",
        "style-src": ["'self'", "'unsafe-inline'"],
        "font-src": ["'self'", "data:"],
        "script-src": ["'self'", "'strict-dynamic'"],
    },
    "content_security_policy_nonce_in": ["script-src"],
    "force_https": False,
    "session_cookie_secure": False,
}
TALISMAN_DEV_CONFIG = TALISMAN_CONFIG
FEATURE_FLAGS = {"DASHBOARD_NATIVE_FILTERS": True}
# The lake views file is a local DuckDB file (read-only): allow it as a data source.
PREVENT_UNSAFE_DB_CONNECTIONS = False
# Results are small aggregates; no cache server.
CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
DATA_CACHE_CONFIG = {"CACHE_TYPE": "NullCache"}
