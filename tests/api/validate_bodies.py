#!/usr/bin/python3
"""Checks JSON bodies against docs/api/openapi.yaml.

    validate_bodies.py SPEC --examples [--dump-examples OUT.json]
        Validates every example in the spec against its schema: request and
        response bodies, parameters, headers and the `examples` of schemas.
        A JSON body without an example is a failure too. --dump-examples
        writes the body examples as a JSON array of
        {"method", "path", "status", "content_type", "schema_ref", "example"}
        ("status" is "request" for a request body; "schema_ref" names the
        component schema when the body's schema is a $ref to one, else null).

    validate_bodies.py SPEC LOG.jsonl [LOG2.jsonl ...]
        Each line of a log is one exchange:
        {"method": "POST", "path": "/api/v1/sync", "status": 200,
         "request": <JSON body or null>, "response": <JSON body or null>}.
        The response is checked against the spec's schema for its status
        (else the status class such as "4XX", else "default"). The request
        is checked only for a 2xx answer: tests send malformed bodies on
        purpose, and the server refuses them; a body sent to a route that
        documents none (the app posts {} to /auth/logout) is not checked
        either. A method, path or status the spec does not document is a
        failure; a null body where the spec documents no JSON (e.g.
        /metrics) is skipped. Logs that hold no exchange at all are a
        failure: such a check could never fail.

Exits 1 on any failure, printing one line per failure and a summary.
Needs python3-yaml and python3-jsonschema (Draft 2020-12, as OpenAPI 3.1).
"""
import argparse
import datetime
import json
import pathlib
import re
import sys
import warnings
from collections import defaultdict

import jsonschema
import yaml

# RefResolver is what Debian 12's jsonschema (4.10) offers; newer releases
# keep it but deprecate it in favour of the `referencing` package.
warnings.filterwarnings("ignore", category=DeprecationWarning, module="jsonschema")
warnings.filterwarnings("ignore", category=DeprecationWarning, message=".*RefResolver.*")

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
RFC3339 = re.compile(
    r"^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$")


def is_json_media(content_type):
    base = content_type.split(";", 1)[0].strip().lower()
    return base == "application/json" or base.endswith("+json")


def make_format_checker():
    checker = jsonschema.FormatChecker()

    # Not every jsonschema build checks date-time (it needs an optional
    # package): check it here, the same everywhere.
    @checker.checks("date-time", raises=ValueError)
    def _date_time(value):
        if not isinstance(value, str):
            return True
        if not RFC3339.match(value):
            return False
        datetime.datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
        return True

    return checker


class Spec:
    def __init__(self, path):
        with open(path, encoding="utf-8") as f:
            self.doc = yaml.safe_load(f)
        if not isinstance(self.doc, dict) or not str(self.doc.get("openapi", "")).startswith("3.1"):
            raise SystemExit(f"{path}: not an OpenAPI 3.1 document")
        self.format_checker = make_format_checker()
        self._templates = []  # (segments, path) of the templated paths
        for p in self.doc.get("paths", {}):
            if "{" in p:
                self._templates.append((p.split("/"), p))

    def pointer(self, ref):
        """The object a local "$ref" ("#/components/...") names."""
        if not ref.startswith("#/"):
            raise ValueError(f"only local references are supported: {ref}")
        node = self.doc
        for token in ref[2:].split("/"):
            token = token.replace("~1", "/").replace("~0", "~")
            node = node[int(token)] if isinstance(node, list) else node[token]
        return node

    def deref(self, obj):
        """Follows "$ref" objects (responses, request bodies, parameters, examples)."""
        seen = set()
        while isinstance(obj, dict) and "$ref" in obj:
            ref = obj["$ref"]
            if ref in seen:
                raise ValueError(f"circular reference: {ref}")
            seen.add(ref)
            obj = self.pointer(ref)
        return obj

    def errors(self, schema, instance):
        """Schema errors for `instance`, as "where: message" strings."""
        resolver = jsonschema.RefResolver.from_schema(self.doc)
        validator = jsonschema.Draft202012Validator(
            schema, resolver=resolver, format_checker=self.format_checker)
        out = []
        for e in sorted(validator.iter_errors(instance), key=lambda e: list(e.absolute_path)):
            where = "/" + "/".join(str(p) for p in e.absolute_path)
            out.append(f"{where}: {e.message}")
        return out

    def operations(self):
        for path, item in self.doc.get("paths", {}).items():
            item = self.deref(item)
            for method in METHODS:
                if method in item:
                    yield path, method, item, item[method]

    def match_path(self, concrete):
        """The spec path that a concrete request path falls under, or None."""
        concrete = concrete.split("?", 1)[0]
        paths = self.doc.get("paths", {})
        if concrete in paths:
            return concrete
        have = concrete.split("/")
        best = None
        for want, path in self._templates:
            if len(want) != len(have):
                continue
            params = 0
            for w, h in zip(want, have):
                if w.startswith("{") and w.endswith("}"):
                    if not h:
                        break
                    params += 1
                elif w != h:
                    break
            else:
                if best is None or params < best[0]:
                    best = (params, path)
        return best[1] if best else None


def schema_ref_name(schema):
    ref = schema.get("$ref") if isinstance(schema, dict) else None
    if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
        return ref.rsplit("/", 1)[1]
    return None


def example_values(spec, holder):
    """(label, value) of the example or examples of a media type, parameter or header."""
    out = []
    if "example" in holder:
        out.append(("example", holder["example"]))
    for name, ex in (holder.get("examples") or {}).items():
        ex = spec.deref(ex)
        if "value" in ex:
            out.append((f"examples/{name}", ex["value"]))
    return out


def check_examples(spec, dump_path):
    failures = []
    checked = 0
    dump = []

    def check(where, schema, value):
        nonlocal checked
        checked += 1
        for problem in spec.errors(schema, value):
            failures.append(f"{where}: {problem}")

    def check_content(where, content, method, path, status):
        for content_type, media in (content or {}).items():
            media = spec.deref(media)
            schema = media.get("schema")
            values = example_values(spec, media)
            if is_json_media(content_type) and not values:
                failures.append(f"{where} {content_type}: has no example")
            if schema is None:
                continue
            for label, value in values:
                check(f"{where} {content_type} {label}", schema, value)
                if is_json_media(content_type):
                    dump.append({"method": method.upper(), "path": path, "status": status,
                                 "content_type": content_type,
                                 "schema_ref": schema_ref_name(schema), "example": value})

    def check_parameters(where, parameters):
        for parameter in parameters or []:
            parameter = spec.deref(parameter)
            if "schema" in parameter:
                for label, value in example_values(spec, parameter):
                    check(f"{where} parameter {parameter.get('name')} {label}",
                          parameter["schema"], value)

    for path, method, item, op in spec.operations():
        where = f"{method.upper()} {path}"
        check_parameters(where, item.get("parameters"))
        check_parameters(where, op.get("parameters"))
        if "requestBody" in op:
            body = spec.deref(op["requestBody"])
            check_content(f"{where} request", body.get("content"), method, path, "request")
        for status, response in (op.get("responses") or {}).items():
            response = spec.deref(response)
            check_content(f"{where} {status}", response.get("content"), method, path, str(status))
            for name, header in (response.get("headers") or {}).items():
                header = spec.deref(header)
                if "schema" in header:
                    for label, value in example_values(spec, header):
                        check(f"{where} {status} header {name} {label}", header["schema"], value)

    # The `examples` (and OpenAPI's `example`) inside component schemas,
    # each against the schema that holds it.
    def walk(node, where, is_schema=True):
        if isinstance(node, dict):
            if is_schema:
                for i, value in enumerate(node.get("examples") or []):
                    check(f"{where} examples[{i}]", node, value)
                if "example" in node:
                    check(f"{where} example", node, node["example"])
            for key, value in node.items():
                if key in ("examples", "example", "enum", "const", "default") and is_schema:
                    continue
                # The values of these maps are schemas; their keys are names.
                walk(value, f"{where}/{key}",
                     is_schema=not (is_schema and key in ("properties", "patternProperties",
                                                          "$defs", "dependentSchemas")))
        elif isinstance(node, list):
            for i, value in enumerate(node):
                walk(value, f"{where}/{i}")

    components = spec.doc.get("components", {})
    for name, schema in (components.get("schemas") or {}).items():
        walk(schema, f"#/components/schemas/{name}")
    for kind in ("parameters", "headers"):
        for name, obj in (components.get(kind) or {}).items():
            if "schema" in obj:
                for label, value in example_values(spec, obj):
                    check(f"#/components/{kind}/{name} {label}", obj["schema"], value)

    for line in failures:
        print(f"FAIL {line}")
    if dump_path:
        with open(dump_path, "w", encoding="utf-8") as f:
            json.dump(dump, f, indent=1, ensure_ascii=False)
            f.write("\n")
        print(f"wrote {len(dump)} body examples to {dump_path}")
    print(f"{checked} examples checked, {len(failures)} failures")
    if checked == 0:
        print("FAIL no examples at all: nothing was checked")
        return 1
    return 1 if failures else 0


def response_for(responses, status):
    """The response object for a status: exact, then its class ("4XX"), then default."""
    keys = {str(k).upper(): k for k in responses}
    for candidate in (str(status), f"{status // 100}XX", "DEFAULT"):
        if candidate in keys:
            return keys[candidate], responses[keys[candidate]]
    return None, None


def json_schema_of(spec, content):
    """(content type, schema) of the JSON media type of a content map, else (None, None)."""
    for content_type, media in (content or {}).items():
        if is_json_media(content_type):
            media = spec.deref(media)
            return content_type, media.get("schema", {})
    return None, None


def check_logs(spec, logs):
    failures = []
    entries = 0
    validated = defaultdict(lambda: {"request": 0, "response": 0})
    skipped = 0

    for log in logs:
        with open(log, encoding="utf-8") as f:
            for number, line in enumerate(f, 1):
                if not line.strip():
                    continue
                where = f"{log}:{number}"
                try:
                    entry = json.loads(line)
                    method = str(entry["method"]).upper()
                    concrete = str(entry["path"])
                    status = int(entry["status"])
                except (ValueError, KeyError, TypeError) as e:
                    failures.append(f"{where}: not a log entry ({e})")
                    continue
                entries += 1
                path = spec.match_path(concrete)
                if path is None:
                    failures.append(f"{where}: {method} {concrete}: path not in the spec")
                    continue
                item = spec.deref(spec.doc["paths"][path])
                op = item.get(method.lower())
                if op is None:
                    failures.append(f"{where}: {method} {path}: method not in the spec")
                    continue
                route = f"{method} {path}"
                key, response = response_for(op.get("responses") or {}, status)
                if response is None:
                    failures.append(f"{where}: {route}: status {status} not in the spec")
                    continue
                response = spec.deref(response)

                body = entry.get("response")
                content_type, schema = json_schema_of(spec, response.get("content"))
                if body is None:
                    if content_type is not None:
                        failures.append(f"{where}: {route} {status}: no JSON body, but the spec "
                                        f"documents {content_type}")
                    else:
                        skipped += 1
                elif content_type is None:
                    failures.append(f"{where}: {route} {status}: a JSON body, but the spec "
                                    f"documents none for {key}")
                else:
                    validated[route]["response"] += 1
                    for problem in spec.errors(schema, body):
                        failures.append(f"{where}: {route} {status} response {problem}")

                # Requests that were refused may be malformed on purpose.
                if 200 <= status < 300 and "requestBody" in op:
                    request_body = spec.deref(op["requestBody"])
                    content_type, schema = json_schema_of(spec, request_body.get("content"))
                    request = entry.get("request")
                    if content_type is None:
                        pass
                    elif request is None:
                        if request_body.get("required"):
                            failures.append(f"{where}: {route} {status}: no request body, but "
                                            "the spec requires one")
                    else:
                        validated[route]["request"] += 1
                        for problem in spec.errors(schema, request):
                            failures.append(f"{where}: {route} {status} request {problem}")

    for line in failures:
        print(f"FAIL {line}")
    total = 0
    for route in sorted(validated):
        counts = validated[route]
        n = counts["request"] + counts["response"]
        total += n
        print(f"{route}: {n} bodies validated ({counts['request']} requests, "
              f"{counts['response']} responses)")
    print(f"{entries} exchanges in {len(logs)} log(s): {total} bodies validated, "
          f"{skipped} non-JSON answers skipped, {len(failures)} failures")
    if entries == 0:
        print("FAIL the logs hold no exchange: nothing was checked")
        return 1
    if total == 0:
        print("FAIL no body was validated")
        return 1
    return 1 if failures else 0


def main():
    parser = argparse.ArgumentParser(
        description="Validate JSON bodies (spec examples or logged exchanges) against an "
                    "OpenAPI 3.1 spec.")
    parser.add_argument("spec", help="the OpenAPI document, e.g. docs/api/openapi.yaml")
    parser.add_argument("logs", nargs="*", help="JSON Lines logs of exchanges")
    parser.add_argument("--examples", action="store_true",
                        help="validate the spec's own examples")
    parser.add_argument("--dump-examples", metavar="OUT.json",
                        help="with --examples: write the body examples to OUT.json")
    args = parser.parse_args()
    if args.dump_examples and not args.examples:
        parser.error("--dump-examples goes with --examples")
    if args.examples == bool(args.logs):
        parser.error("give either --examples or one or more logs")
    spec = Spec(args.spec)
    if args.examples:
        return check_examples(spec, args.dump_examples)
    # A folder stands for the logs (*.jsonl) in it.
    logs = []
    for given in args.logs:
        path = pathlib.Path(given)
        logs += sorted(str(p) for p in path.glob("*.jsonl")) if path.is_dir() else [given]
    return check_logs(spec, logs)


if __name__ == "__main__":
    sys.exit(main())
