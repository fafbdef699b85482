"""The error an instance raises for an event it cannot take."""


class FlowError(Exception):
    """Wrong task, already decided, not allowed here…: the runner answers 409 (state untouched)."""

    def __init__(self, code: str, en: str, zh: str) -> None:
        super().__init__(en)
        self.code, self.en, self.zh = code, en, zh
