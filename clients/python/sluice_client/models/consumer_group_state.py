from enum import StrEnum


class ConsumerGroupState(StrEnum):
    ACTIVE = "active"
    IDLE = "idle"
    STUCK = "stuck"

    def __str__(self) -> str:
        return str(self.value)
