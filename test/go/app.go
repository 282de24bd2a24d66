// The train-and-deploy example written in Go against the generated Go module.
//
// A line-for-line mirror of examples/train-and-deploy/app.ts: same construct ids, same props, same
// local directories, so its template must equal the TypeScript app's (asset hashes aside). Keep the
// two in step when the example changes; app_test.go fails when they drift.
//
// Run it with `go run .` (CDK_OUTDIR picks the output directory) or through scripts/test-languages.sh.
package main

import (
	"fmt"
	"path/filepath"
	"runtime"

	"github.com/aws/aws-cdk-go/awscdk/v2"
	"github.com/aws/constructs-go/constructs/v10"
	"github.com/aws/jsii-runtime-go"
	sm "github.com/cdk-sagemaker-containers/cdk-sagemaker-containers-go/cdksagemakercontainers"
)

// exampleDir is the example's code and data, so both apps stage the same files.
func exampleDir() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "examples", "train-and-deploy")
}

// TrainAndDeployStackProps are the properties of the example stack.
type TrainAndDeployStackProps struct {
	awscdk.StackProps
	// InstanceType for training and hosting; nil means ml.m5.large.
	InstanceType sm.InstanceType
}

// TrainAndDeployStack is one stack: a training job on local code and data, and an endpoint serving
// what it trained.
type TrainAndDeployStack struct {
	awscdk.Stack
	Job      sm.TrainingJob
	Endpoint sm.Endpoint
}

// NewTrainAndDeployStack builds the example stack in scope.
func NewTrainAndDeployStack(scope constructs.Construct, id string, props *TrainAndDeployStackProps) *TrainAndDeployStack {
	if props == nil {
		props = &TrainAndDeployStackProps{}
	}
	stack := awscdk.NewStack(scope, jsii.String(id), &props.StackProps)
	instanceType := props.InstanceType
	if instanceType == nil {
		instanceType = sm.InstanceType_ML_M5_LARGE()
	}
	dir := exampleDir()

	trainImage := sm.SageMakerImage_FromDirectory(jsii.String(filepath.Join(dir, "training")), &sm.SageMakerImageFromDirectoryProps{
		BaseImage:  sm.BaseImage_FromRegistry(jsii.String("python:3.11"), nil),
		EntryPoint: sm.EntryPoint_Program(jsii.String("train.py"), nil),
	})

	job := sm.NewTrainingJob(stack, jsii.String("Train"), &sm.TrainingJobProps{
		Image:        trainImage,
		InstanceType: instanceType,
		Inputs: &[]sm.TrainingInput{
			sm.TrainingInput_FromAsset(jsii.String("train"), jsii.String(filepath.Join(dir, "data")), nil),
		},
		Hyperparameters: &map[string]*string{
			"epochs":        jsii.String("300"),
			"learning-rate": jsii.String("0.1"),
		},
		MetricDefinitions: &[]*sm.MetricDefinition{
			{Name: jsii.String("train:mse"), Regex: jsii.String("train_mse=([0-9.]+);")},
		},
		MaxRuntime: awscdk.Duration_Hours(jsii.Number(1)),
	})

	serveImage := sm.SageMakerImage_FromDirectory(jsii.String(filepath.Join(dir, "serving")), &sm.SageMakerImageFromDirectoryProps{
		BaseImage:  sm.BaseImage_FromRegistry(jsii.String("python:3.9"), nil),
		EntryPoint: sm.EntryPoint_ServingModule(jsii.String("serve:app")),
	})

	endpoint := sm.NewEndpoint(stack, jsii.String("Endpoint"), &sm.EndpointProps{
		Image:                serveImage,
		ModelData:            job.ModelData(),
		InstanceType:         instanceType,
		InitialInstanceCount: jsii.Number(1),
	})

	awscdk.NewCfnOutput(stack, jsii.String("TrainingJobName"), &awscdk.CfnOutputProps{Value: job.TrainingJobName()})
	awscdk.NewCfnOutput(stack, jsii.String("ModelArtifacts"), &awscdk.CfnOutputProps{Value: job.ModelArtifactsS3Uri()})
	awscdk.NewCfnOutput(stack, jsii.String("EndpointName"), &awscdk.CfnOutputProps{Value: endpoint.EndpointName()})

	return &TrainAndDeployStack{Stack: stack, Job: job, Endpoint: endpoint}
}

// SynthExample builds the example app into outdir ("" means CDK_OUTDIR or a temporary directory)
// and returns the cloud assembly directory.
func SynthExample(outdir string) string {
	props := &awscdk.AppProps{}
	if outdir != "" {
		props.Outdir = jsii.String(outdir)
	}
	app := awscdk.NewApp(props)
	NewTrainAndDeployStack(app, "TrainAndDeploy", nil)
	return *app.Synth(nil).Directory()
}

func main() {
	defer jsii.Close()
	fmt.Printf("synthesized into %s\n", SynthExample(""))
}
