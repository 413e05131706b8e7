"""The `links` of openapi/openapi.yaml, derived from its paths, so that a client (and the
fuzzer's stateful phase) can follow what an operation made to the operations on it.

    python clients/fuzz/links.py           fail if the document's links are not these
    python clients/fuzz/links.py --fix     write them into the document
Each creating operation links to every operation whose path parameters it names.
"""
import re
import sys

import yaml

PATH = "openapi/openapi.yaml"
METHODS = ("get", "put", "post", "delete", "patch")
# creating operation → (status, {path parameter: runtime expression})
CREATORS = {
    "createStream": ("201", {"stream": "$response.body#/name"}),
    "createConsumerGroup": ("201", {"stream": "$request.path.stream", "group": "$response.body#/name"}),
    "createSubscription": ("201", {"stream": "$request.path.stream", "subscription": "$response.body#/subscription/name"}),
    "createSource": ("201", {"stream": "$request.path.stream", "source": "$response.body#/name"}),
    "registerSchema": ("201", {"stream": "$request.path.stream", "eventType": "$request.path.eventType", "version": "$response.body#/version"}),
    "createApiKey": ("201", {"keyId": "$response.body#/id"}),
    "addMember": ("202", {"invitationId": "$response.body#/id"}),
    "configureInstagramWebhook": ("200", {"stream": "$request.path.stream", "webhookId": "$response.body#/id"}),
    "ingestEvent": ("201", {"stream": "$request.path.stream", "partition": "$response.body#/partition"}),
}


def path_parameters(path):
    return set(re.findall(r"\{(\w+)\}", path))


def wanted(document):
    operations = [(path, method, item[method]) for path, item in document["paths"].items() for method in METHODS if method in item]
    links = {}
    for creator, (status, given) in CREATORS.items():
        own = next(path for path, _, op in operations if op["operationId"] == creator)
        targets = {}
        for path, _, op in operations:
            needed = path_parameters(path)
            # Every parameter it names, and at least one the creator made (not only its own path's).
            made = {name for name, value in given.items() if value.startswith("$response")}
            if op["operationId"] == creator or not (needed & made) or not (needed - path_parameters(own) - set(given) <= {"memberId", "deliveryId", "entity", "quarantineId"}):
                continue
            name = op["operationId"][0].upper() + op["operationId"][1:]
            targets[name] = {"operationId": op["operationId"], "parameters": {k: v for k, v in given.items() if k in needed}}
        links[creator] = (status, dict(sorted(targets.items())))
    return links


def render(status, targets):
    lines = ["          links:"]
    for name, link in targets.items():
        parameters = ", ".join(f"{k}: '{v}'" for k, v in link["parameters"].items())
        lines.append(f"            {name}: {{operationId: {link['operationId']}, parameters: {{{parameters}}}}}")
    return lines


def fix(text, document):
    links = wanted(document)
    # The document without the links this script writes...
    stripped, operation, skipping = [], None, False
    for line in text.split("\n"):
        if skipping and re.match(r"^ {12}\S", line):
            continue
        skipping = False
        if m := re.match(r"^\s+operationId: (\w+)", line):
            operation = m.group(1)
        if line.startswith("          links:") and operation in links:
            skipping = True
            continue
        stripped.append(line)
    # ...and with them, after each creator's success response.
    result, i, operation = [], 0, None
    while i < len(stripped):
        line = stripped[i]
        result.append(line)
        i += 1
        if m := re.match(r"^\s+operationId: (\w+)", line):
            operation = m.group(1)
        if operation in links and line == f"        '{links[operation][0]}':":
            while i < len(stripped) and (stripped[i].startswith("          ") or stripped[i] == ""):
                result.append(stripped[i])
                i += 1
            result.extend(render(*links[operation]))
            operation = None
    return "\n".join(result)


def main():
    text = open(PATH, encoding="utf-8").read()
    document = yaml.safe_load(text)
    fixed = fix(text, document)
    if "--fix" in sys.argv:
        open(PATH, "w", encoding="utf-8").write(fixed)
        return 0
    if fixed != text:
        print("openapi/openapi.yaml's links are not what clients/fuzz/links.py derives: run it with --fix")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
