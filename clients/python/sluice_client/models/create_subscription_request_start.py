from enum import StrEnum


class CreateSubscriptionRequestStart(StrEnum):
    EARLIEST = "earliest"
    LATEST = "latest"
    TIMESTAMP = "timestamp"

    def __str__(self) -> str:
        return str(self.value)
