"""Use cases. Each service loads rows, calls the domain, changes rows and flushes; never commits."""


class ServiceError(Exception):
    """A use case refused: the message is shown to the user as it is (already translated)."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field
