package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"regexp"
	"sort"
	"strings"
	"testing"
)

const stackName = "TrainAndDeploy"

// assetHash matches asset hashes (SHA-256 hex), which name staged files and image tags; they are set
// aside, not compared.
var assetHash = regexp.MustCompile(`[0-9a-f]{64}`)

// normalise returns the template with every asset hash replaced by a placeholder.
func normalise(value interface{}) interface{} {
	switch v := value.(type) {
	case map[string]interface{}:
		out := make(map[string]interface{}, len(v))
		for k, item := range v {
			out[assetHash.ReplaceAllString(k, "<asset-hash>")] = normalise(item)
		}
		return out
	case []interface{}:
		out := make([]interface{}, len(v))
		for i, item := range v {
			out[i] = normalise(item)
		}
		return out
	case string:
		return assetHash.ReplaceAllString(v, "<asset-hash>")
	default:
		return v
	}
}

func loadTemplate(t *testing.T, cloudAssembly string) map[string]interface{} {
	t.Helper()
	raw, err := os.ReadFile(filepath.Join(cloudAssembly, stackName+".template.json"))
	if err != nil {
		t.Fatalf("reading the %s template: %v", stackName, err)
	}
	var template map[string]interface{}
	if err := json.Unmarshal(raw, &template); err != nil {
		t.Fatalf("parsing the %s template: %v", stackName, err)
	}
	return template
}

// typescriptTemplate is the TypeScript example's template: from TS_CDK_OUT when
// scripts/test-languages.sh synthesized it already, otherwise synthesized here.
func typescriptTemplate(t *testing.T) map[string]interface{} {
	t.Helper()
	if given := os.Getenv("TS_CDK_OUT"); given != "" {
		return loadTemplate(t, given)
	}
	outdir := t.TempDir()
	cmd := exec.Command("npx", "ts-node", "--transpile-only", "examples/train-and-deploy/app.ts")
	cmd.Dir = filepath.Join(exampleDir(), "..", "..")
	cmd.Env = append(os.Environ(), "CDK_OUTDIR="+outdir)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("synthesizing the TypeScript app: %v\n%s", err, out)
	}
	return loadTemplate(t, outdir)
}

var goTemplate map[string]interface{}

// goAppTemplate synthesizes the Go app once per test binary (the jsii kernel start is the slow part).
func goAppTemplate(t *testing.T) map[string]interface{} {
	t.Helper()
	if goTemplate == nil {
		goTemplate = loadTemplate(t, SynthExample(t.TempDir()))
	}
	return goTemplate
}

func pretty(t *testing.T, value interface{}) []string {
	t.Helper()
	out, err := json.MarshalIndent(value, "", " ") // map keys come out sorted
	if err != nil {
		t.Fatal(err)
	}
	return strings.Split(string(out), "\n")
}

func TestGoAppSynthesizesTheTrainingJobAndTheEndpoint(t *testing.T) {
	// GIVEN the Go app's template
	template := goAppTemplate(t)
	// WHEN we list its resource types
	types := map[string]bool{}
	for _, resource := range template["Resources"].(map[string]interface{}) {
		types[resource.(map[string]interface{})["Type"].(string)] = true
	}
	// THEN the job and the serving chain are there (the comparison is not of two empty stacks)
	for _, want := range []string{"Custom::SageMakerTrainingJob", "AWS::SageMaker::Model", "AWS::SageMaker::EndpointConfig", "AWS::SageMaker::Endpoint"} {
		if !types[want] {
			t.Errorf("no %s resource in the Go app's template", want)
		}
	}
	var outputs []string
	for name := range template["Outputs"].(map[string]interface{}) {
		outputs = append(outputs, name)
	}
	sort.Strings(outputs)
	if want := []string{"EndpointName", "ModelArtifacts", "TrainingJobName"}; !reflect.DeepEqual(outputs, want) {
		t.Errorf("outputs are %v, want %v", outputs, want)
	}
}

func TestGoTemplateEqualsTheTypescriptTemplateAssetHashesAside(t *testing.T) {
	// GIVEN both apps' templates, asset hashes replaced by a placeholder
	expected := pretty(t, normalise(typescriptTemplate(t)))
	actual := pretty(t, normalise(goAppTemplate(t)))
	// WHEN we compare them line by line
	// THEN they are equal
	if reflect.DeepEqual(expected, actual) {
		return
	}
	shown := 0
	for i := 0; i < len(expected) || i < len(actual); i++ {
		var e, a string
		if i < len(expected) {
			e = expected[i]
		}
		if i < len(actual) {
			a = actual[i]
		}
		if e != a {
			t.Errorf("line %d:\n  typescript: %s\n  go:         %s", i+1, e, a)
			if shown++; shown == 20 {
				break
			}
		}
	}
}

func TestNormaliseReplacesAssetHashesInKeysAndValues(t *testing.T) {
	// GIVEN a template fragment with an asset hash in a key and in a value
	digest := strings.Repeat("ab", 32)
	fragment := map[string]interface{}{"asset." + digest: []interface{}{map[string]interface{}{"S3Key": digest + ".zip", "Other": "abc"}}}
	// WHEN normalised
	got := normalise(fragment)
	// THEN both are placeholders and other text is kept
	want := map[string]interface{}{"asset.<asset-hash>": []interface{}{map[string]interface{}{"S3Key": "<asset-hash>.zip", "Other": "abc"}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("normalise(%v) = %v, want %v", fragment, got, want)
	}
}
