import * as fs from 'fs';
import * as path from 'path';
import { Lazy } from 'aws-cdk-lib';
import { codeDirectory, removeCodeDirectories } from './fixtures';
import { Workload } from '../../src/compute/accelerator';
import { EntryPoint, EntryPointKind, ProgramRunner } from '../../src/image/entry-point';

afterAll(removeCodeDirectories);

describe('EntryPoint.program', () => {
  test('sets SAGEMAKER_PROGRAM for training and hosting and exposes its facts', () => {
    // GIVEN
    const entryPoint = EntryPoint.program('src/train.py');

    // THEN
    expect(entryPoint.kind).toBe(EntryPointKind.PROGRAM);
    expect(entryPoint.programPath).toBe('src/train.py');
    expect(entryPoint.module).toBeUndefined();
    expect(entryPoint.imageEnvironment).toEqual({ SAGEMAKER_PROGRAM: 'src/train.py' });
    expect(entryPoint.bind({ workload: Workload.TRAINING }).environment).toEqual({ SAGEMAKER_PROGRAM: 'src/train.py' });
    expect(entryPoint.bind({ workload: Workload.HOSTING }).environment).toEqual({ SAGEMAKER_PROGRAM: 'src/train.py' });
    expect(entryPoint.bind({ workload: Workload.TRANSFORM }).environment).toEqual({ SAGEMAKER_PROGRAM: 'src/train.py' });
    expect(entryPoint.bind({ workload: Workload.PROCESSING }).environment).toEqual({ SAGEMAKER_PROGRAM: 'src/train.py' });
  });

  test('with a training module sets both variables for training and only the program for hosting', () => {
    // GIVEN
    const entryPoint = EntryPoint.program('train.py', { trainingModule: 'sagemaker_pytorch_container.training:main' });

    // THEN
    expect(entryPoint.module).toBe('sagemaker_pytorch_container.training:main');
    expect(entryPoint.bind({ workload: Workload.TRAINING }).environment).toEqual({
      SAGEMAKER_PROGRAM: 'train.py',
      SAGEMAKER_TRAINING_MODULE: 'sagemaker_pytorch_container.training:main',
    });
    expect(entryPoint.bind({ workload: Workload.HOSTING }).environment).toEqual({ SAGEMAKER_PROGRAM: 'train.py' });
  });

  test.each([
    ['/abs/train.py', /program '\/abs\/train.py' is an absolute path/],
    ['C:\\code\\train.py', /is an absolute path/],
    ['../train.py', /program '..\/train.py' leaves the code directory/],
    ['src/../../train.py', /leaves the code directory/],
    ['..', /leaves the code directory/],
    ['', /program '' is empty/],
    ['  ', /is empty/],
    ['.', /names a directory/],
    ['src/', /names a directory/],
  ])('fails for program %j', (program, message) => {
    expect(() => EntryPoint.program(program)).toThrow(message);
  });

  test('fails with every problem at once, naming each prop', () => {
    expect(() => EntryPoint.program('../x.py', { trainingModule: 'bad module' }))
      .toThrow(/EntryPoint.program: 2 problems:\n- program '..\/x.py' leaves[^\n]*\n- trainingModule 'bad module' has 0 colons/);
  });

  test('accepts a token program without checks', () => {
    const program = Lazy.string({ produce: () => '/abs' });
    const entryPoint = EntryPoint.program(program);
    expect(entryPoint.bind({ workload: Workload.TRAINING }).environment).toEqual({ SAGEMAKER_PROGRAM: program });
    expect(entryPoint.inspect(codeDirectory({}))).toEqual({ errors: [], warnings: [] });
  });
});

describe('EntryPoint.trainingModule', () => {
  test('sets SAGEMAKER_TRAINING_MODULE for training', () => {
    const entryPoint = EntryPoint.trainingModule('my_pkg.training:main');
    expect(entryPoint.kind).toBe(EntryPointKind.TRAINING_MODULE);
    expect(entryPoint.module).toBe('my_pkg.training:main');
    expect(entryPoint.programPath).toBeUndefined();
    expect(entryPoint.imageEnvironment).toEqual({ SAGEMAKER_TRAINING_MODULE: 'my_pkg.training:main' });
    expect(entryPoint.bind({ workload: Workload.TRAINING }).environment).toEqual({ SAGEMAKER_TRAINING_MODULE: 'my_pkg.training:main' });
  });

  test('can name the user program the framework runs', () => {
    const entryPoint = EntryPoint.trainingModule('sagemaker_pytorch_container.training:main', { program: 'train.py' });
    expect(entryPoint.programPath).toBe('train.py');
    expect(entryPoint.bind({ workload: Workload.TRAINING }).environment).toEqual({
      SAGEMAKER_TRAINING_MODULE: 'sagemaker_pytorch_container.training:main',
      SAGEMAKER_PROGRAM: 'train.py',
    });
  });

  test.each([Workload.HOSTING, Workload.TRANSFORM, Workload.PROCESSING])('fails when bound to %s', (workload) => {
    const entryPoint = EntryPoint.trainingModule('my_pkg.training:main');
    expect(() => entryPoint.bind({ workload }))
      .toThrow(new RegExp(`entryPoint trainingModule 'my_pkg.training:main' cannot start a ${workload} container`));
  });

  test.each([
    ['my_pkg.training', /has 0 colons/],
    ['a:b:c', /has 2 colons/],
    ['my_pkg.training:', /invalid Python identifiers ''/],
    [':main', /invalid Python identifiers ''/],
    ['my-pkg.training:main', /invalid Python identifiers 'my-pkg'/],
    ['1pkg:main', /invalid Python identifiers '1pkg'/],
    ['pkg..mod:main', /invalid Python identifiers ''/],
    ['pkg.class:main', /invalid Python identifiers 'class'/],
    ['pkg.mod:main()', /invalid Python identifiers 'main\(\)'/],
    ['pkg mod:main', /invalid Python identifiers 'pkg mod'/],
  ])('fails for module %j', (module, message) => {
    expect(() => EntryPoint.trainingModule(module)).toThrow(message);
    expect(() => EntryPoint.trainingModule(module)).toThrow(/use 'package.module:function' with Python identifiers/);
  });

  test('fails for a program that leaves the directory', () => {
    expect(() => EntryPoint.trainingModule('a.b:main', { program: '/train.py' })).toThrow(/program '\/train.py' is an absolute path/);
  });

  test('accepts a token module', () => {
    const module = Lazy.string({ produce: () => 'not a module' });
    expect(EntryPoint.trainingModule(module).bind({ workload: Workload.TRAINING }).environment)
      .toEqual({ SAGEMAKER_TRAINING_MODULE: module });
  });
});

describe('EntryPoint.servingModule', () => {
  test('sets SAGEMAKER_SERVING_MODULE for hosting and transform', () => {
    const entryPoint = EntryPoint.servingModule('my_pkg.serving:app');
    expect(entryPoint.kind).toBe(EntryPointKind.SERVING_MODULE);
    expect(entryPoint.module).toBe('my_pkg.serving:app');
    expect(entryPoint.imageEnvironment).toEqual({ SAGEMAKER_SERVING_MODULE: 'my_pkg.serving:app' });
    expect(entryPoint.bind({ workload: Workload.HOSTING }).environment).toEqual({ SAGEMAKER_SERVING_MODULE: 'my_pkg.serving:app' });
    expect(entryPoint.bind({ workload: Workload.TRANSFORM }).environment).toEqual({ SAGEMAKER_SERVING_MODULE: 'my_pkg.serving:app' });
  });

  test.each([Workload.TRAINING, Workload.PROCESSING])('fails when bound to %s', (workload) => {
    expect(() => EntryPoint.servingModule('my_pkg.serving:app').bind({ workload }))
      .toThrow(new RegExp(`entryPoint servingModule 'my_pkg.serving:app' cannot start a ${workload} container`));
  });

  test('fails for a malformed module', () => {
    expect(() => EntryPoint.servingModule('my_pkg/serving.py')).toThrow(/EntryPoint.servingModule: servingModule 'my_pkg\/serving.py' has 0 colons/);
  });
});

describe('EntryPoint.inspect', () => {
  test.each([
    ['run.sh', { 'run.sh': 'echo hi\n' }, ProgramRunner.SHELL],
    ['run.sh', { 'run.sh': 'echo hi\n', 'setup.py': 'x' }, ProgramRunner.SHELL],
    ['train.py', { 'train.py': 'print(1)\n' }, ProgramRunner.PYTHON],
    ['src/train.py', { 'src/train.py': 'print(1)\n', 'src/setup.py': 'x' }, ProgramRunner.PYTHON],
    ['train', { train: '#!/usr/bin/env python3\nprint(1)\n' }, ProgramRunner.EXECUTABLE],
  ])('predicts how the toolkit runs %s without warnings', (program, files, runner) => {
    const inspection = EntryPoint.program(program).inspect(codeDirectory(files));
    expect(inspection).toEqual({ runner, errors: [], warnings: [] });
  });

  test('warns that a .py program beside setup.py runs as a package', () => {
    const inspection = EntryPoint.program('train.py').inspect(codeDirectory({ 'train.py': 'print(1)\n', 'setup.py': 'x' }));
    expect(inspection.runner).toBe(ProgramRunner.PYTHON_PACKAGE);
    expect(inspection.warnings).toEqual([expect.stringMatching(/program 'train.py' sits in a directory with setup.py.*'python -m train'/)]);
  });

  test('warns that a file without extension beside setup.py runs as a package', () => {
    const inspection = EntryPoint.program('bin/train').inspect(codeDirectory({ 'bin/train': '#!/bin/sh\n', 'setup.py': 'x' }));
    expect(inspection.runner).toBe(ProgramRunner.PYTHON_PACKAGE);
    expect(inspection.warnings).toEqual([expect.stringMatching(/'python -m bin.train', not as a file/)]);
  });

  test('warns that an executable without a shebang runs as a shell script', () => {
    const inspection = EntryPoint.program('train').inspect(codeDirectory({ train: 'import sys\n' }));
    expect(inspection.runner).toBe(ProgramRunner.EXECUTABLE);
    expect(inspection.warnings).toEqual([expect.stringMatching(/program 'train' has neither .* runs it through \/bin\/sh as a shell script/)]);
  });

  test('warns for a one-byte executable, which cannot hold a shebang', () => {
    const inspection = EntryPoint.program('train.R').inspect(codeDirectory({ 'train.R': '#' }));
    expect(inspection.warnings).toHaveLength(1);
  });

  test('fails for a missing program', () => {
    const dir = codeDirectory({ 'other.py': 'x' });
    expect(EntryPoint.program('train.py').inspect(dir).errors)
      .toEqual([`program 'train.py' does not exist in directory '${dir}'; name a file relative to the directory`]);
  });

  test('fails for a program that is a directory', () => {
    expect(EntryPoint.program('src').inspect(codeDirectory({ 'src/a.py': 'x' })).errors)
      .toEqual([expect.stringMatching(/program 'src' is not a file/)]);
  });

  test('fails for an empty program', () => {
    expect(EntryPoint.program('train.py').inspect(codeDirectory({ 'train.py': '' })).errors)
      .toEqual([expect.stringMatching(/program 'train.py' in directory .* is empty; the container would run nothing/)]);
  });

  test('fails for a program linked from outside the directory', () => {
    const outside = codeDirectory({ 'secret.py': 'print(1)\n' });
    const dir = codeDirectory({});
    fs.symlinkSync(path.join(outside, 'secret.py'), path.join(dir, 'train.py'));
    expect(EntryPoint.program('train.py').inspect(dir).errors)
      .toEqual([expect.stringMatching(/program 'train.py' resolves to '.*secret.py', outside directory/)]);
  });

  test('checks the program a training module names', () => {
    expect(EntryPoint.trainingModule('a.b:main', { program: 'train.py' }).inspect(codeDirectory({})).errors)
      .toEqual([expect.stringMatching(/program 'train.py' does not exist/)]);
  });

  test('has nothing to check for a module without program', () => {
    expect(EntryPoint.servingModule('a.b:app').inspect(codeDirectory({}))).toEqual({ errors: [], warnings: [] });
  });
});
