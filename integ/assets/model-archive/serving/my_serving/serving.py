"""A WSGI app for the legacy gunicorn-based serving (SAGEMAKER_SERVING_MODULE=my_serving.serving:app)."""
import json


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    if path == "/ping":
        start_response("200 OK", [("Content-Type", "application/json")])
        return [b"{}"]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    body = environ["wsgi.input"].read(length) if length else b""
    start_response("200 OK", [("Content-Type", "application/json")])
    return [json.dumps({"echo": body.decode("utf-8", "replace")}).encode("utf-8")]
