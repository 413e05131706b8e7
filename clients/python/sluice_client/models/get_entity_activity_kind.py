from enum import StrEnum


class GetEntityActivityKind(StrEnum):
    ACCOUNT = "account"
    ACTOR = "actor"
    CONTENT = "content"

    def __str__(self) -> str:
        return str(self.value)
