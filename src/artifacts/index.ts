export * from './model-data';
