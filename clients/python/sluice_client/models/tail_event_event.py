from enum import StrEnum


class TailEventEvent(StrEnum):
    EVENTS = "events"

    def __str__(self) -> str:
        return str(self.value)
