"""The application's errors, in one tree: every wing raises these, and the two edges translate
them once — ``earchive.web.problems`` into HTTP problem documents, ``earchive.cli.support`` into
messages and exit codes. Domain packages keep their own errors; a service turns them into these
where the caller must tell them apart (``raise … from exc``).
"""

from __future__ import annotations

__all__ = [
    "ApplicantQueryError",
    "AuthenticationRequiredError",
    "ConfigurationError",
    "EarchiveError",
    "InvalidRequestError",
    "JobNotFoundError",
    "MigrationError",
    "NeedsKeyError",
    "NotFoundError",
    "ObjectionConflictError",
    "ObjectionError",
    "PermissionDeniedError",
    "PersonalDataWithheldError",
    "SearchConfigError",
    "StorageConfigError",
    "TaskError",
    "TaskFailedError",
    "TaskTimeoutError",
    "UnknownClassificationError",
    "UnknownTaskError",
    "UploadRejectedError",
    "UserError",
]


class EarchiveError(Exception):
    """Base of the application's errors."""


# -- configuration (CLI exit code 2, HTTP 409) ----------------------------------------------
class ConfigurationError(EarchiveError):
    """The settings do not describe a usable archive."""


class StorageConfigError(ConfigurationError):
    """The storage settings do not describe a usable location."""


class SearchConfigError(ConfigurationError):
    """The search settings do not describe a usable index."""


class MigrationError(ConfigurationError):
    """The catalog database could not be brought to the current schema."""


# -- what was asked for is not there -------------------------------------------------------
class NotFoundError(EarchiveError):
    """No archive (or file) with that identifier."""


class JobNotFoundError(EarchiveError, LookupError):
    """No job with that id in the catalog."""


class UnknownTaskError(EarchiveError, LookupError):
    """No task has that name."""


# -- who may do it ---------------------------------------------------------------------------
class AuthenticationRequiredError(EarchiveError):
    """No valid session or token came with the request."""


class PermissionDeniedError(EarchiveError):
    """The principal's role does not allow this action."""


class PersonalDataWithheldError(EarchiveError):
    """The file may carry personal data that the principal may not see."""


# -- requests the archive refuses ------------------------------------------------------------
class InvalidRequestError(EarchiveError, ValueError):
    """A request that lacks what it needs (the message says what)."""


class UploadRejectedError(EarchiveError, ValueError):
    """The upload is not something the ingest pipeline accepts (e.g. not a ZIP)."""


class UserError(EarchiveError, ValueError):
    """A user or token request the store refuses."""


class UnknownClassificationError(EarchiveError, ValueError):
    """A 密级 that is not one of ``classifications()``."""


class ApplicantQueryError(EarchiveError, ValueError):
    """The applicant query is not usable: an invalid identifier or no stated purpose."""


class ObjectionError(EarchiveError, ValueError):
    """An objection or decision request that cannot be accepted (the message says why)."""


class ObjectionConflictError(EarchiveError):
    """The objection was already decided."""


class NeedsKeyError(EarchiveError, ValueError):
    """A transfer package is verified against the sender's public key: none was given."""


# -- background work -------------------------------------------------------------------------
class TaskError(EarchiveError):
    """Base of the task interface's errors."""


class TaskFailedError(TaskError):
    """The task ran and raised (or could not be run)."""


class TaskTimeoutError(TaskError):
    """No result within the timeout; the task may still finish later."""
