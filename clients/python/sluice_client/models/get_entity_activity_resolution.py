from enum import StrEnum


class GetEntityActivityResolution(StrEnum):
    DAY = "1d"
    HOUR = "1h"

    def __str__(self) -> str:
        return str(self.value)
