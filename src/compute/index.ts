export * from './accelerator';
export * from './instance-type';
