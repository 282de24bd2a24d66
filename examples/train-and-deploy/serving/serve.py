"""Serves the trained linear model: a WSGI application for the SageMaker serving stack that
`SAGEMAKER_SERVING_MODULE=serve:app` names (sagemaker-containers' `serve` runs it with gunicorn).

SageMaker unpacks the training job's model.tar.gz into /opt/ml/model, so model.json is there.
  GET  /ping         200 once the model is loaded
  POST /invocations  text/csv rows of features, or JSON {"instances": [[x1, x2], ...]}
                     -> JSON {"predictions": [...]}
"""
import json
import os


def model_dir():
    if os.environ.get("SM_MODEL_DIR"):
        return os.environ["SM_MODEL_DIR"]
    return os.path.join(os.environ.get("SAGEMAKER_BASE_DIR", "/opt/ml"), "model")


_model = None


def load_model():
    global _model
    if _model is None:
        with open(os.path.join(model_dir(), "model.json")) as f:
            _model = json.load(f)
    return _model


def predict(model, rows):
    n = len(model["weights"])
    out = []
    for row in rows:
        if len(row) != n:
            raise ValueError("each row needs %d features, got %d" % (n, len(row)))
        out.append(sum(w * float(v) for w, v in zip(model["weights"], row)) + model["bias"])
    return out


def parse_rows(body, content_type):
    text = body.decode("utf-8")
    if content_type.startswith("application/json"):
        doc = json.loads(text)
        return doc["instances"] if isinstance(doc, dict) else doc
    return [[float(v) for v in line.split(",")] for line in text.splitlines() if line.strip()]


def respond(start_response, status, doc):
    payload = json.dumps(doc).encode("utf-8")
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


def app(environ, start_response):
    path = environ.get("PATH_INFO", "/")
    method = environ.get("REQUEST_METHOD", "GET")
    try:
        model = load_model()
    except (OSError, ValueError) as e:
        return respond(start_response, "500 Internal Server Error", {"error": "model not loaded: %s" % e})
    if path == "/ping" and method == "GET":
        return respond(start_response, "200 OK", {"status": "ok", "features": len(model["weights"])})
    if path == "/invocations" and method == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        try:
            rows = parse_rows(body, environ.get("CONTENT_TYPE", "text/csv"))
            return respond(start_response, "200 OK", {"predictions": predict(model, rows)})
        except (ValueError, KeyError, TypeError) as e:
            return respond(start_response, "400 Bad Request", {"error": str(e)})
    return respond(start_response, "404 Not Found", {"error": "no route %s %s" % (method, path)})
