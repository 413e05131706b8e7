from enum import StrEnum


class ListQuarantineStatus(StrEnum):
    DISCARDED = "discarded"
    HELD = "held"
    REPLAYED = "replayed"

    def __str__(self) -> str:
        return str(self.value)
