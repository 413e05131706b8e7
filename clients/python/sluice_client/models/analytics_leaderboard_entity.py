from enum import StrEnum


class AnalyticsLeaderboardEntity(StrEnum):
    ACCOUNT = "account"
    ACTOR = "actor"
    CONTENT = "content"

    def __str__(self) -> str:
        return str(self.value)
