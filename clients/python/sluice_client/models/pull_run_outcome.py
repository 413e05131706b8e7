from enum import StrEnum


class PullRunOutcome(StrEnum):
    FAILED = "failed"
    OK = "ok"
    RATE_LIMITED = "rate-limited"
    TIMEOUT = "timeout"

    def __str__(self) -> str:
        return str(self.value)
