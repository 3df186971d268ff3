"""Business rules, free of Flask: each function takes the session, workspace, actor and now it needs."""


class ServiceError(Exception):
    """A rule was broken; the message is meant for the user. `field` names the form field, if any."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.message = message
        self.field = field


class Gone(ServiceError):
    """What the rule was about was deleted by someone else a moment ago: a later try would not
    find it (a route answers 404)."""

    def __init__(self):
        super().__init__("This was deleted a moment ago.")
