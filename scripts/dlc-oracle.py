#!/usr/bin/env python3
"""The SageMaker Python SDK's own answer for each Deep Learning Container case: the oracle of
test/image/dlc-oracle.test.ts.

Usage: .test-env/sdk-venv/bin/python scripts/dlc-oracle.py CASES.json ANSWERS.json

CASES.json is a list of cases, each [framework, version, python, region, instance_type, workload], with the
library's names (framework PYTORCH ..., workload TRAINING or INFERENCE; python may be null). ANSWERS.json gets one
answer per case, in order: the image URI the SDK returns, or "!" and the first line of its refusal.

Each framework is asked the way the SDK's own classes ask for it (the estimator, HuggingFaceModel.deploy,
get_huggingface_llm_image_uri's backends, DJLModel), so the oracle judges the library against what an SDK user gets.
The SDK reads its JSON config on every call; the config is cached here (read-only use) so the grid runs in seconds.
"""
import functools
import json
import logging
import re
import sys

logging.disable(logging.CRITICAL)

from sagemaker import image_uris, utils  # noqa: E402  (after logging is silenced: the SDK logs at import)

image_uris.config_for_framework = functools.lru_cache(maxsize=None)(image_uris.config_for_framework)
# The pipeline-variable wrapper inspects the signature on every call (most of the time spent); the grid passes none.
image_uris.retrieve = getattr(image_uris.retrieve, '__wrapped__', image_uris.retrieve)
image_uris.get_training_image_uri = getattr(image_uris.get_training_image_uri, '__wrapped__', image_uris.get_training_image_uri)
# botocore's endpoint data (for the registry host) is re-read from disk on every call otherwise.
utils._botocore_resolver = functools.lru_cache(maxsize=None)(utils._botocore_resolver)

SDK_NAMES = {
    'PYTORCH': 'pytorch', 'TENSORFLOW': 'tensorflow', 'MXNET': 'mxnet', 'SKLEARN': 'sklearn', 'XGBOOST': 'xgboost',
    'DJL_LMI': 'djl-lmi', 'DJL_TENSORRTLLM': 'djl-tensorrtllm', 'DJL_NEURONX': 'djl-neuronx',
}


def family(instance_type):
    return instance_type.split('.')[1]


def neuron(instance_type):
    return re.match(r'^(inf|trn)', family(instance_type)) is not None


def version_key(v):
    return [int(p) if p.isdigit() else 0 for p in re.split(r'[.-]', v)]


def newest_pytorch_base(config_name, scope, version):
    """The PyTorch base the library takes for a Hugging Face version: the newest one the config lists."""
    config = image_uris.config_for_framework(config_name)[scope]
    full = config.get('version_aliases', {}).get(version, version)
    entry = config['versions'].get(full)
    if not entry:
        return None
    bases = sorted((k for k in entry if k.startswith('pytorch')), key=lambda k: version_key(k[7:]))
    return bases[-1][len('pytorch'):] if bases else None


def ask(framework, version, py, region, instance_type, workload):
    scope = 'training' if workload == 'TRAINING' else 'inference'
    if framework in SDK_NAMES:
        return image_uris.retrieve(SDK_NAMES[framework], region, version=version, py_version=py,
                                   instance_type=instance_type, image_scope=scope)
    if framework == 'HUGGINGFACE':
        if scope == 'training':
            # HuggingFace estimator: get_training_image_uri with the PyTorch version of the base framework.
            config = 'huggingface-neuronx' if neuron(instance_type) else 'huggingface'
            base = newest_pytorch_base(config, 'training', version) or newest_pytorch_base('huggingface', 'training', version)
            return image_uris.get_training_image_uri(region, 'huggingface', framework_version=version, py_version=py,
                                                     pytorch_version=base, instance_type=instance_type)
        # HuggingFaceModel.deploy: inference_tool 'neuron' on ml.inf1, 'neuronx' on the other ml.inf*.
        tool = None
        config = 'huggingface'
        if instance_type.startswith('ml.inf'):
            tool = 'neuron' if instance_type.startswith('ml.inf1') else 'neuronx'
            config = f'huggingface-{tool}'
        base = newest_pytorch_base(config, 'inference', version) or newest_pytorch_base('huggingface', 'inference', version)
        return image_uris.retrieve('huggingface', region, version=version, py_version=py, instance_type=instance_type,
                                   image_scope='inference', base_framework_version=f'pytorch{base}', inference_tool=tool)
    if framework == 'HUGGINGFACE_TGI':
        # get_huggingface_llm_image_uri backends 'huggingface' and 'huggingface-neuronx'.
        if neuron(instance_type):
            return image_uris.retrieve('huggingface-llm-neuronx', region, version=version, py_version=py,
                                       instance_type=instance_type, image_scope='inference', inference_tool='neuronx')
        return image_uris.retrieve('huggingface-llm', region, version=version, py_version=py,
                                   instance_type=instance_type, image_scope='inference')
    if framework == 'HUGGINGFACE_TEI':
        # backends 'huggingface-tei' (GPU) and 'huggingface-tei-cpu'.
        name = 'huggingface-tei' if family(instance_type)[0] in 'gp' or neuron(instance_type) else 'huggingface-tei-cpu'
        return image_uris.retrieve(name, region, version=version, py_version=py, instance_type=instance_type,
                                   image_scope='inference')
    raise ValueError(f'unknown framework {framework}')


def main(argv):
    if len(argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(argv[0], encoding='utf-8') as f:
        cases = json.load(f)
    answers = []
    for case in cases:
        try:
            answers.append(ask(*case))
        except Exception as error:  # the SDK refuses with ValueError, and with KeyError / TypeError on odd shapes
            message = str(error).strip().split('\n')[0] or type(error).__name__
            answers.append(f'!{type(error).__name__}: {message}')
    with open(argv[1], 'w', encoding='utf-8') as f:
        json.dump(answers, f)
    return 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
