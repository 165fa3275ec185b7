"""Errors that services raise and views turn into form errors, flash messages or status codes."""


class ServiceError(Exception):
    """A request the domain refuses; the message is safe to show to the person (Danish, translatable)."""


class NotAllowed(ServiceError):
    """The actor may not do this. Views answer 403 (or 404 when the object must not be revealed)."""


class NotFound(ServiceError):
    """The object does not exist, or the actor must not learn that it does."""
