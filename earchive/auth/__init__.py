"""Users, roles, sessions and API tokens: who may do what in the API and the web UI."""

from earchive.auth.principal import Principal
from earchive.auth.roles import (
    DEFAULT_CLEARANCE,
    ROLE_PERMISSIONS,
    Permission,
    Role,
    allowed_classifications,
    classifications,
)
from earchive.auth.sessions import COOKIE, MAX_AGE, SessionCodec, load_secret
from earchive.auth.store import StoredUser, UserStore

__all__ = [
    "COOKIE",
    "DEFAULT_CLEARANCE",
    "MAX_AGE",
    "ROLE_PERMISSIONS",
    "Permission",
    "Principal",
    "Role",
    "SessionCodec",
    "StoredUser",
    "UserStore",
    "allowed_classifications",
    "classifications",
    "load_secret",
]
