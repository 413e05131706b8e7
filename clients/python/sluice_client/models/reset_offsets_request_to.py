from enum import StrEnum


class ResetOffsetsRequestTo(StrEnum):
    DATETIME = "datetime"
    DURATION = "duration"
    EARLIEST = "earliest"
    LATEST = "latest"
    OFFSET = "offset"
    SHIFT = "shift"

    def __str__(self) -> str:
        return str(self.value)
