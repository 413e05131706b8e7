from enum import StrEnum


class AnalyticsSeriesResolution(StrEnum):
    DAY = "1d"
    FIVE_MINUTES = "5m"
    HOUR = "1h"

    def __str__(self) -> str:
        return str(self.value)
