from enum import StrEnum


class ProblemErrorsItemLocation(StrEnum):
    HEADER = "header"
    PATH = "path"
    QUERY = "query"

    def __str__(self) -> str:
        return str(self.value)
