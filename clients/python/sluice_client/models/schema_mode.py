from enum import StrEnum


class SchemaMode(StrEnum):
    ENFORCE = "enforce"
    OFF = "off"
    WARN = "warn"

    def __str__(self) -> str:
        return str(self.value)
