"""Exceptions raised by budtiktok."""


class TokenizerConfigError(ValueError):
    """A tokenizer.json is malformed or uses something budtiktok cannot run.

    ``path`` is the JSON path of the offending field, e.g. ``pre_tokenizer.pretokenizers[1].type``.
    """

    def __init__(self, path: str, message: str):
        self.path = path
        self.message = message
        super().__init__(f"{path}: {message}" if path else message)


class UnsupportedComponentError(TokenizerConfigError):
    """A valid component that this version of budtiktok does not implement yet."""
