"""Business rules, free of Flask: each function takes the session, workspace, actor and now it needs."""

from app.messages import N_, Plural, Text


class ServiceError(Exception):
    """A rule was broken; the message is meant for the user. `field` names the form field, if any.

    `message` is the untranslated English template (%(name)s placeholders filled from `params`, or
    an N_plural); `.message` reads it in the user's language, `.english` in English."""

    def __init__(self, message: str | Plural | Text, field: str | None = None, **params):
        if isinstance(message, Text):
            message, params = message.template, {**message.params, **params}
        self.text = Text(message, **params)
        super().__init__(self.text.english)
        self.field = field

    @property
    def message(self) -> str:
        return str(self.text)

    @property
    def english(self) -> str:
        return self.text.english

    @property
    def params(self) -> dict:
        return self.text.params


class Gone(ServiceError):
    """What the rule was about was deleted by someone else a moment ago: a later try would not
    find it (a route answers 404)."""

    def __init__(self):
        super().__init__(N_("This was deleted a moment ago."))
