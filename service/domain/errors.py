"""Errors of the domain and use cases; ``service/errors.py`` maps them to HTTP statuses."""

from __future__ import annotations


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str, fields: dict[str, str] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.fields = fields


class NotFound(DomainError):
    code = "not_found"


class SiteNotFound(NotFound):
    """A site id no site has (in a path, or a filter)."""

    code = "site_not_found"


class Conflict(DomainError):
    code = "conflict"


class Invalid(DomainError):
    """Well-formed input that breaks a rule (an unknown parent, a body with no text)."""

    code = "validation_failed"


class Malformed(DomainError):
    """Input that cannot even be read (a tampered cursor, a bad article id)."""

    code = "bad_request"


class IllegalTransition(DomainError):
    """An action that cannot change an entry's status from where it is."""

    code = "conflict"


class Forbidden(DomainError):
    """Known, but not yours to change (a wrong edit token)."""

    code = "forbidden"


class Unauthorized(DomainError):
    """Who is asking could not be established (a bad sign-in token, none where one is needed)."""

    code = "unauthorized"


class SignInRequired(Unauthorized):
    code = "sign_in_required"


class Closed(Forbidden):
    """The thread takes no more submissions."""

    code = "closed"


class EditWindowClosed(Forbidden):
    code = "edit_window_closed"


class Banned(Forbidden):
    code = "banned"
