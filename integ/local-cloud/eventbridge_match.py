"""Decides, with moto's own EventBridge code, whether a rule matches an event and what its target receives.

moto's EventBridge does not implement TestEventPattern and cannot deliver to Lambda targets without
Docker, so the harness asks moto's pattern matcher and input transformer directly.
Reads {"pattern": str, "event": {...}, "target": {...}} on stdin, writes {"matches": bool, "input": ...}.
"""
import json
import sys

from moto.events.models import EventPattern
from moto.events.utils import EventTemplateParser


def target_input(target, event):
    if "Input" in target:
        return json.loads(target["Input"])
    if "InputPath" in target:
        from jsonpath_ng.ext import parse

        found = parse(target["InputPath"]).find(event)
        return found[0].value if found else None
    transformer = target.get("InputTransformer")
    if transformer:
        # moto's transformer reads the ingestion time its PutEvents adds to every event.
        event = dict(event, **{"ingestion-time": event.get("time")})
        return EventTemplateParser.parse(
            input_template=transformer.get("InputTemplate"),
            input_paths_map=transformer.get("InputPathsMap", {}),
            event=event,
        )
    return event


def main():
    request = json.load(sys.stdin)
    event = request["event"]
    matches = EventPattern.load(request["pattern"]).matches_event(event)
    out = {"matches": matches}
    if matches:
        out["input"] = target_input(request["target"], event)
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main()
