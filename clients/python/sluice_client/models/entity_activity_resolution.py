from enum import StrEnum


class EntityActivityResolution(StrEnum):
    DAY = "1d"
    HOUR = "1h"

    def __str__(self) -> str:
        return str(self.value)
