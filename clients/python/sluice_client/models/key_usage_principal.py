from enum import StrEnum


class KeyUsagePrincipal(StrEnum):
    APIKEY = "apiKey"
    MEMBERS = "members"

    def __str__(self) -> str:
        return str(self.value)
