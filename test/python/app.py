"""The train-and-deploy example written in Python against the built wheel.

A line-for-line mirror of ``examples/train-and-deploy/app.ts``: same construct ids, same props, same
local directories, so its template must equal the TypeScript app's (asset hashes aside). Keep the two
in step when the example changes; ``test_train_and_deploy.py`` fails when they drift.

Run it directly (``CDK_OUTDIR`` picks the output directory) or through ``scripts/test-languages.sh``.
"""
from pathlib import Path
from typing import Optional

from aws_cdk import App, CfnOutput, Duration, Stack
from constructs import Construct

from cdk_sagemaker_containers import (
    BaseImage,
    Endpoint,
    EntryPoint,
    InstanceType,
    MetricDefinition,
    SageMakerImage,
    TrainingInput,
    TrainingJob,
)

# The example's code and data, so both apps stage the same files.
EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples" / "train-and-deploy"


class TrainAndDeployStack(Stack):
    """One stack: a training job on local code and data, and an endpoint serving what it trained."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        *,
        instance_type: Optional[InstanceType] = None,
        **kwargs,
    ) -> None:
        super().__init__(scope, construct_id, **kwargs)
        instance_type = instance_type or InstanceType.ML_M5_LARGE

        train_image = SageMakerImage.from_directory(
            str(EXAMPLE_DIR / "training"),
            base_image=BaseImage.from_registry("python:3.11"),
            entry_point=EntryPoint.program("train.py"),
        )

        self.job = TrainingJob(
            self,
            "Train",
            image=train_image,
            instance_type=instance_type,
            inputs=[TrainingInput.from_asset("train", str(EXAMPLE_DIR / "data"))],
            hyperparameters={"epochs": "300", "learning-rate": "0.1"},
            metric_definitions=[MetricDefinition(name="train:mse", regex="train_mse=([0-9.]+);")],
            max_runtime=Duration.hours(1),
        )

        serve_image = SageMakerImage.from_directory(
            str(EXAMPLE_DIR / "serving"),
            base_image=BaseImage.from_registry("python:3.9"),
            entry_point=EntryPoint.serving_module("serve:app"),
        )

        self.endpoint = Endpoint(
            self,
            "Endpoint",
            image=serve_image,
            model_data=self.job.model_data,
            instance_type=instance_type,
            initial_instance_count=1,
        )

        CfnOutput(self, "TrainingJobName", value=self.job.training_job_name)
        CfnOutput(self, "ModelArtifacts", value=self.job.model_artifacts_s3_uri)
        CfnOutput(self, "EndpointName", value=self.endpoint.endpoint_name)


def synth_example(outdir: Optional[str] = None) -> str:
    """Builds the example app into ``outdir`` and returns the cloud assembly directory."""
    app = App(outdir=outdir) if outdir else App()
    TrainAndDeployStack(app, "TrainAndDeploy")
    return app.synth().directory


if __name__ == "__main__":
    print(f"synthesized into {synth_example()}")
