from enum import StrEnum


class CloudEventSpecversion(StrEnum):
    V1_0 = "1.0"

    def __str__(self) -> str:
        return str(self.value)
