#!/usr/bin/env python3
"""Stands in for a model server's Python worker (Multi Model Server / TorchServe start one per model):
it loads the sagemaker-inference handler service, calls initialize(context) and handle(data, context)
as the worker does, and prints the responses as JSON. The Java front end is not run (DEVIATION):
the request arrives here as data, not over HTTP.

Usage: inference_worker.py MODEL_DIR REQUESTS_JSON (run by run_inference.py with the container's env)
"""
import json
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "local"))
from model_server_context import Context  # noqa: E402

from sagemaker_inference.default_handler_service import DefaultHandlerService
from sagemaker_inference.default_inference_handler import DefaultInferenceHandler
from sagemaker_inference.transformer import Transformer


class ServingHandler(DefaultInferenceHandler):
    """A framework's default handler: the defaults of DefaultInferenceHandler (model_fn must come from
    the user's script; the others are the toolkit's decoders and encoders)."""


def main():
    model_dir, requests_path = sys.argv[1], sys.argv[2]
    with open(requests_path) as f:
        requests = json.load(f)
    service = DefaultHandlerService(transformer=Transformer(default_inference_handler=ServingHandler()))
    results = []
    initialized = False
    for request in requests:
        headers = {"Content-Type": request.get("contentType", "application/json"),
                   "Accept": request.get("accept", "application/json")}
        context = Context(model_dir, headers)
        if not initialized:
            try:
                service.initialize(context)
            except Exception as e:  # the worker reports a failed load; the model never becomes healthy
                results.append({"status": 500, "body": "initialize failed: %s: %s" % (type(e).__name__, e)})
                break
            initialized = True
        out = service.handle([{"body": request["body"].encode("utf-8")}], context)
        body = out[0]
        if isinstance(body, bytes):
            body = body.decode("utf-8")
        results.append({"status": context.status, "contentType": context.content_type, "body": str(body)})
    print(json.dumps({"responses": results, "sysPath": sys.path}))


if __name__ == "__main__":
    main()
