from enum import StrEnum


class EffectiveRateLimitSource(StrEnum):
    KEY = "key"
    PLAN = "plan"

    def __str__(self) -> str:
        return str(self.value)
