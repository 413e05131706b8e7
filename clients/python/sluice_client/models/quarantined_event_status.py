from enum import StrEnum


class QuarantinedEventStatus(StrEnum):
    DISCARDED = "discarded"
    HELD = "held"
    REPLAYED = "replayed"

    def __str__(self) -> str:
        return str(self.value)
