export * from './model-data';
export * from './s3-location';
