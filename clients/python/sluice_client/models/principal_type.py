from enum import StrEnum


class PrincipalType(StrEnum):
    ANONYMOUS = "anonymous"
    APIKEY = "apiKey"
    SYSTEM = "system"
    USER = "user"

    def __str__(self) -> str:
        return str(self.value)
