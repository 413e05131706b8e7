from enum import StrEnum


class FailureKind(StrEnum):
    DELIVERY = "delivery"
    LATE = "late"
    QUARANTINE = "quarantine"

    def __str__(self) -> str:
        return str(self.value)
