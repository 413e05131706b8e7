from enum import StrEnum


class ApiKeyScope(StrEnum):
    ADMIN = "admin"
    EVENTS_READ = "events:read"
    EVENTS_WRITE = "events:write"
    STREAMS_MANAGE = "streams:manage"

    def __str__(self) -> str:
        return str(self.value)
