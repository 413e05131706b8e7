from enum import StrEnum


class IngestPlatformPlatform(StrEnum):
    INSTAGRAM = "instagram"
    TWITTER = "twitter"
    YOUTUBE = "youtube"

    def __str__(self) -> str:
        return str(self.value)
