export * from '../artifacts/s3-location';
