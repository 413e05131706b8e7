from enum import StrEnum


class EventDeliveryState(StrEnum):
    DEAD = "dead"
    DELIVERED = "delivered"
    FILTERED = "filtered"
    PENDING = "pending"
    RETRYING = "retrying"
    SKIPPED = "skipped"

    def __str__(self) -> str:
        return str(self.value)
