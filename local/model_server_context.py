"""The parts of a model server's worker context (Multi Model Server / TorchServe) that the SageMaker
inference toolkit reads and writes: used by the local server (inference_server.py) and by the contract
tests' worker (scripts/contract/inference_worker.py)."""


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
