from enum import StrEnum


class IngestResultStatus(StrEnum):
    DUPLICATE = "duplicate"
    FAILED = "failed"
    REJECTED = "rejected"
    STORED = "stored"

    def __str__(self) -> str:
        return str(self.value)
