/**
 * What the input-asset unpacker can do, shared by the synth-time check (`TrainingInput.fromAsset`) and the
 * handler (which refuses an archive over them before it inflates anything).
 *
 * The unpacker streams: its memory does not grow with the data (a byte budget bounds what is in flight), so
 * the limits are about time. One invocation works until about a minute before Lambda's 15 minutes, then hands
 * over to a fresh invocation of itself that resumes: files already whole are kept, and a large file's multipart
 * upload under way resumes with the parts S3 holds (the file is inflated again from its start, only the missing
 * parts are uploaded), so one file larger than an invocation can move still finishes. CloudFormation waits at
 * most an hour for the answer, so `INPUT_ASSET_MAX_INVOCATIONS` invocations (about 40 minutes of work) must
 * finish it. The limits come from the
 * benchmark (bench/RESULTS.md, "Input-asset unpacker"): against moto's S3 on a 2-core machine at load 11-17 the
 * unpacker moved 8.6 MiB/s of incompressible data and 80 small files/s, which is about 20 GiB and 190,000 files
 * in 40 minutes; the limits keep a margin of about two below that. S3 from Lambda is faster on both counts.
 */

/** The most bytes (uncompressed, as the CDK CLI zips them) a `fromAsset` directory may hold. */
export const INPUT_ASSET_MAX_BYTES = 10 * 2 ** 30;

/** The most files a `fromAsset` directory may hold. */
export const INPUT_ASSET_MAX_FILES = 100_000;

/** Invocations of the unpacker for one event, the first included (each ends before Lambda's timeout). */
export const INPUT_ASSET_MAX_INVOCATIONS = 3;

/** The event key that counts the unpacker's continuations (absent on CloudFormation's own event). */
export const INPUT_ASSET_CONTINUATION_KEY = 'CdkSageMakerUnpackContinuation';
