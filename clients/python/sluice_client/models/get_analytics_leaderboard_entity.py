from enum import StrEnum


class GetAnalyticsLeaderboardEntity(StrEnum):
    ACCOUNT = "account"
    ACTOR = "actor"
    CONTENT = "content"

    def __str__(self) -> str:
        return str(self.value)
