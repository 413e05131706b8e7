from enum import StrEnum


class ListDeadLettersStatus(StrEnum):
    DEAD = "dead"
    RETRYING = "retrying"

    def __str__(self) -> str:
        return str(self.value)
