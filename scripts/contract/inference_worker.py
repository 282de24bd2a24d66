#!/usr/bin/env python3
"""Stands in for a model server's Python worker (Multi Model Server / TorchServe start one per model):
it loads the sagemaker-inference handler service, calls initialize(context) and handle(data, context)
as the worker does, and prints the responses as JSON. The Java front end is not run (DEVIATION):
the request arrives here as data, not over HTTP.

Usage: inference_worker.py MODEL_DIR REQUESTS_JSON (run by run_inference.py with the container's env)
"""
import json
import sys

from sagemaker_inference.default_handler_service import DefaultHandlerService
from sagemaker_inference.default_inference_handler import DefaultInferenceHandler
from sagemaker_inference.transformer import Transformer


class RequestProcessor:
    def __init__(self, headers):
        self._headers = headers

    def get_request_properties(self):
        return self._headers


class Context:
    """The parts of the model server's Context the toolkit reads and writes."""

    def __init__(self, model_dir, headers):
        self.system_properties = {"model_dir": model_dir, "gpu_id": None}
        self.request_processor = [RequestProcessor(headers)]
        self.status = 200
        self.content_type = None

    def set_response_content_type(self, _index, content_type):
        self.content_type = content_type

    def set_response_status(self, code=200, phrase=""):
        self.status = code


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
