// The worker entry: the dedicated worker's global scope is the endpoint serveSmime answers on.
import { serveSmime } from './serve-smime';

serveSmime(self as unknown as Parameters<typeof serveSmime>[0]);
