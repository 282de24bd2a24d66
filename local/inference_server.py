#!/usr/bin/env python3
"""Stands in for the model server's front end (Multi Model Server / TorchServe, Java, not run here) in
front of the SageMaker inference toolkit: GET /ping and POST /invocations on a loopback port, each
invocation handed to the toolkit's handler service and transformer as the model server's Python worker
hands it (initialize(context) once, then handle(data, context)). The user's SAGEMAKER_PROGRAM
(default inference.py) supplies model_fn / input_fn / predict_fn / output_fn; the toolkit's defaults
decode and encode the rest.

Usage: inference_server.py MODEL_DIR PORT      (started by serving.py with the container's environment)
"""
import http.server
import json
import os
import sys
import traceback

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from model_server_context import Context


def exec_with_model_server_path(model_dir):
    """What start_model_server does before the workers start: the toolkit sets PYTHONPATH (the code
    directory in /opt/ml/model/code and SAGEMAKER_SUBMIT_DIRECTORY), then the server starts the worker."""
    from sagemaker_inference import model_server
    model_server._set_python_path()
    code = os.path.join(model_dir, "code")
    os.environ["PYTHONPATH"] = code + (":" + os.environ["PYTHONPATH"] if os.environ.get("PYTHONPATH") else "")
    os.environ["LOCAL_INFERENCE_WORKER"] = "1"
    os.execv(sys.executable, [sys.executable] + sys.argv)


def main():
    model_dir, port = sys.argv[1], int(sys.argv[2])
    if not os.environ.get("LOCAL_INFERENCE_WORKER"):
        return exec_with_model_server_path(model_dir)
    from sagemaker_inference.default_handler_service import DefaultHandlerService
    from sagemaker_inference.default_inference_handler import DefaultInferenceHandler
    from sagemaker_inference.transformer import Transformer

    class FrameworkHandler(DefaultInferenceHandler):
        """A framework's default handler: model_fn must come from the user's script."""

    service = DefaultHandlerService(transformer=Transformer(default_inference_handler=FrameworkHandler()))
    state = {"error": None}
    try:
        service.initialize(Context(model_dir, {}))
    except Exception as e:  # the model never becomes healthy; /ping says why
        state["error"] = "initialize failed: %s: %s" % (type(e).__name__, e)
        traceback.print_exc()

    class Handler(http.server.BaseHTTPRequestHandler):
        def reply(self, status, body, content_type="application/json"):
            payload = body if isinstance(body, bytes) else str(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", content_type or "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def do_GET(self):
            if self.path != "/ping":
                return self.reply(404, json.dumps({"error": "no route GET %s" % self.path}))
            if state["error"]:
                return self.reply(500, json.dumps({"error": state["error"]}))
            self.reply(200, "")

        def do_POST(self):
            if self.path != "/invocations":
                return self.reply(404, json.dumps({"error": "no route POST %s" % self.path}))
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = {"Content-Type": self.headers.get("Content-Type", "application/json"),
                       "Accept": self.headers.get("Accept", "application/json")}
            context = Context(model_dir, headers)
            out = service.handle([{"body": body}], context)[0]
            self.reply(context.status, out if isinstance(out, (bytes, str)) else json.dumps(out), context.content_type)

        def log_message(self, fmt, *args):
            sys.stderr.write("inference-server: %s\n" % (fmt % args))

    http.server.ThreadingHTTPServer(("127.0.0.1", port), Handler).serve_forever()


if __name__ == "__main__":
    main()
