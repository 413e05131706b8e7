from enum import StrEnum


class DeliveryStatus(StrEnum):
    DEAD = "dead"
    RETRYING = "retrying"

    def __str__(self) -> str:
        return str(self.value)
