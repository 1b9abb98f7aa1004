// Import of an image from a URL: one long, heartbeating download activity. The input carries the
// import's id and display URL only; the activity opens the sealed URL (credentials never enter
// the history).
import { ActivityFailure, ApplicationFailure, isCancellation, proxyActivities, setCurrentDetails } from '@temporalio/workflow';
import type { ImageImportActivities, ImageImportInput, ImageImportResult } from '../activities/image-import.ts';

const download = proxyActivities<ImageImportActivities>({
  startToCloseTimeout: '6 hours',
  heartbeatTimeout: '30 seconds',
  // The activity marks what is final (404, login refused, too large…) as non-retryable; a host
  // that does not answer or a transfer that stops half way is tried twice more.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumAttempts: 3 },
});

export async function imageImport(input: ImageImportInput): Promise<ImageImportResult> {
  setCurrentDetails(`Downloading ${input.fileName} from ${input.displayUrl}`);
  try {
    const result = await download.downloadImage(input);
    setCurrentDetails(`Imported ${result.image.fileName} (${result.image.sizeBytes} bytes, sha256 ${result.image.sha256})${result.created ? '' : ': same bytes as an image already held'}`);
    return result;
  } catch (error) {
    if (isCancellation(error)) throw error;
    const cause = error instanceof ActivityFailure ? error.cause : error;
    const reason = cause instanceof Error ? cause.message : String(cause);
    const type = cause instanceof ApplicationFailure ? cause.type : undefined;
    setCurrentDetails(`Import of ${input.fileName} failed: ${reason}`);
    throw ApplicationFailure.nonRetryable(`import of ${input.fileName} from ${input.displayUrl} failed: ${reason}`, type ?? 'ImportFailed');
  }
}
