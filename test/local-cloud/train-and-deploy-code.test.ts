import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const example = path.resolve(__dirname, '..', '..', 'examples', 'train-and-deploy');

// The example's code runs here as SageMaker would run it, minus the container: train.py gets the
// toolkit's arguments and SM_* variables; serve.py's WSGI app answers /ping and /invocations.
describe('the train-and-deploy example code', () => {
  const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'example-model-'));
  let log: string;

  beforeAll(() => {
    log = execFileSync('python3', [path.join(example, 'training', 'train.py'), '--epochs', '300', '--learning-rate', '0.1'], {
      env: { PATH: process.env.PATH, SM_CHANNEL_TRAIN: path.join(example, 'data'), SM_MODEL_DIR: modelDir },
      encoding: 'utf8',
    });
  });

  test('train.py learns the data\'s linear relation and writes model.json to SM_MODEL_DIR', () => {
    const model = JSON.parse(fs.readFileSync(path.join(modelDir, 'model.json'), 'utf8'));
    expect(model.rows).toBe(200);
    expect(model.weights[0]).toBeCloseTo(3, 1);
    expect(model.weights[1]).toBeCloseTo(-2, 1);
    expect(model.bias).toBeCloseTo(1, 1);
    expect(log).toMatch(/train_mse=0\.00\d+;/);
  });

  test('fails training when the channel holds no rows', () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), 'example-empty-'));
    expect(() => execFileSync('python3', [path.join(example, 'training', 'train.py')], {
      env: { PATH: process.env.PATH, SM_CHANNEL_TRAIN: empty, SM_MODEL_DIR: modelDir }, stdio: 'pipe',
    })).toThrow(/no training rows/);
  });

  test('serve.py answers /ping and predicts CSV and JSON requests with the trained model', () => {
    const script = `
import io, json, sys
sys.path.insert(0, ${JSON.stringify(path.join(example, 'serving'))})
import serve
def call(method, path, body=b"", ctype="text/csv"):
    out = {}
    def start(status, headers): out["status"] = status
    env = {"REQUEST_METHOD": method, "PATH_INFO": path, "CONTENT_LENGTH": str(len(body)), "CONTENT_TYPE": ctype, "wsgi.input": io.BytesIO(body)}
    out["body"] = json.loads(b"".join(serve.app(env, start)))
    return out
print(json.dumps([call("GET", "/ping"), call("POST", "/invocations", b"1,0\\n0,1\\n"),
  call("POST", "/invocations", json.dumps({"instances": [[0.5, 0.5]]}).encode(), "application/json"),
  call("POST", "/invocations", b"1,2,3\\n")]))
`;
    const [ping, csv, json, bad] = JSON.parse(execFileSync('python3', ['-c', script], {
      env: { PATH: process.env.PATH, SM_MODEL_DIR: modelDir }, encoding: 'utf8',
    }));
    expect(ping.status).toBe('200 OK');
    expect(csv.body.predictions[0]).toBeCloseTo(4, 1);
    expect(csv.body.predictions[1]).toBeCloseTo(-1, 1);
    expect(json.body.predictions[0]).toBeCloseTo(1.5, 1);
    expect(bad.status).toBe('400 Bad Request');
  });
});
