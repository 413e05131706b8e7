from enum import StrEnum


class AnalyticsLiveEventEvent(StrEnum):
    TICK = "tick"

    def __str__(self) -> str:
        return str(self.value)
