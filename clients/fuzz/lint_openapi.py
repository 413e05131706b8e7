"""What every operation of openapi/openapi.yaml must declare, from how the server answers.

The server answers, whatever the handler: 400 to a parameter or body the document refuses
(ContractTransport), 401 to missing or bad credentials and 403 to a permission not held on a
secured operation, 429 when the caller's request limit is spent, 404 to a path naming what
does not exist or is another tenant's, 413 to a body over SLUICE_MAX_BODY_BYTES, 415 to a
body of a media type not listed, and 503 while PostgreSQL is unreachable.

    python clients/fuzz/lint_openapi.py            report what is missing (exit 1 if any)
    python clients/fuzz/lint_openapi.py --fix      add it to the document, in place
"""
import re
import sys

import yaml

PATH = "openapi/openapi.yaml"
NAMES = {
    "400": "BadRequest", "401": "Unauthorized", "403": "Forbidden", "404": "NotFound",
    "413": "PayloadTooLarge", "415": "UnsupportedMediaType", "429": "TooManyRequests", "503": "Unavailable",
}
# Served without the database.
NO_DATABASE = {("get", "/healthz"), ("get", "/metrics")}
METHODS = ("get", "put", "post", "delete", "patch")


def expected(document, path, method, operation, item):
    parameters = (item.get("parameters") or []) + (operation.get("parameters") or [])
    secured = operation.get("security", document.get("security", [])) not in ([], [{}])
    codes = set()
    if parameters or "requestBody" in operation:
        codes.add("400")
    if secured:
        codes |= {"401", "403", "429"}
    if "{" in path:
        codes.add("404")
    if "requestBody" in operation:
        codes |= {"413", "415"}
    if (method, path) not in NO_DATABASE:
        codes.add("503")
    return codes


def missing(document):
    for path, item in document["paths"].items():
        for method in METHODS:
            operation = item.get(method)
            if operation is None:
                continue
            declared = set(str(code) for code in operation.get("responses", {}))
            lacking = sorted(expected(document, path, method, operation, item) - declared)
            if lacking:
                yield path, method, operation["operationId"], lacking


def fix(text, document):
    todo = {(path, method): lacking for path, method, _, lacking in missing(document)}
    lines, out = text.split("\n"), []
    path = method = None
    for line in lines:
        out.append(line)
        if m := re.match(r"^  (/\S*):\s*$", line):
            path, method = m.group(1), None
        elif m := re.match(r"^    (get|put|post|delete|patch):\s*$", line):
            method = m.group(1)
        elif line == "      responses:" and (path, method) in todo:
            for code in todo.pop((path, method)):
                out.append(f"        '{code}': {{$ref: '#/components/responses/{NAMES[code]}'}}")
    assert not todo, f"responses blocks not found for {sorted(todo)}"
    return "\n".join(out)


def main():
    text = open(PATH, encoding="utf-8").read()
    document = yaml.safe_load(text)
    if "--fix" in sys.argv:
        open(PATH, "w", encoding="utf-8").write(fix(text, document))
        return 0
    problems = list(missing(document))
    for path, method, operation_id, lacking in problems:
        print(f"{operation_id} ({method.upper()} {path}) does not declare {', '.join(lacking)}")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
